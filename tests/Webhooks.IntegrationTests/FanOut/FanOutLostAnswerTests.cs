using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Webhooks.AzureStorage;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Delivery;
using Webhooks.IntegrationTests.Operations;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// The fan-out's copy writes when Storage misbehaves (issue 16), on real Azurite with three loopback targets and a
/// source whose three destinations take everything: a write applied but unanswered is retried by the SDK and leaves
/// a duplicate that is counted and named in a warning; a write that fails on every try fails the fan-out, and the
/// original, not completed, is fanned out again. Either way every destination receives the delivery.
/// </summary>
public sealed class FanOutLostAnswerTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string ProcessorCategory = "Webhooks.Delivery.DeliveryProcessor";

    // Bounds against a hang on a loaded machine, not measurements: the test waits for counts.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ACopyWriteAppliedButUnanswered_IsRetried_LeavingADuplicateForItsDestinationOnly_AndAWarningNamingTheDelivery()
    {
        await using var targets = await Targets.StartAsync();
        var deliveries = UniqueNames.Queue("fanlost");
        var lost = new LostAnswerPolicy(r => CopyWrites.DestinationOf(r, deliveries) == "crm");
        var sent = new SentRequests(deliveries);
        var logs = new CapturedLogs();
        await using var host = await CreateHostAsync(deliveries, targets, logs, lost, sent);
        var envelope = DeliveryHost.Envelope("evt_lost_answer");
        await host.EnqueueAsync(envelope);
        var original = (await host.Queues.Deliveries.ReceiveMessageAsync()).Value;

        lost.Arm(); // crm's copy lands, its answer is dropped, the SDK sends it again
        var outcome = await host.Processor.ProcessReceivedAsync(host.Queues.Deliveries, original);

        Assert.Equal(DeliveryOutcomeKind.FannedOut, outcome.Kind);
        Assert.Equal(1, lost.Dropped);
        Assert.Equal(["audit", "billing", "crm", "crm"], sent.CopyWrites); // crm's write was sent twice
        Assert.Equal(["audit", "billing", "crm", "crm"], await QueuedDestinationsAsync(host)); // and both landed
        Assert.Equal(4, await host.CountAsync(host.Queues.Deliveries)); // the original is gone, not just invisible
        Assert.Equal(1, sent.DeletesOf(original.MessageId));
        AssertLostAnswerWarning(logs, envelope.Id, count: 1);

        await DrainAsync(host, targets, crm: 2, billing: 1, audit: 1);

        Assert.Equal([$"{envelope.Id}:crm", $"{envelope.Id}:crm"], Keys(targets.Crm));
        Assert.Equal([$"{envelope.Id}:billing"], Keys(targets.Billing));
        Assert.Equal([$"{envelope.Id}:audit"], Keys(targets.Audit));
        Assert.All(targets.All.SelectMany(t => t.Requests), r => Assert.Equal(envelope.Body, r.Body));
        Assert.Empty((await host.Queues.DeadLetter.PeekMessagesAsync(StorageNames.MaxMessagesPerCall)).Value);
        Assert.Equal(1, sent.DeletesOf(original.MessageId)); // completed exactly once, the copies aside
        AssertLostAnswerWarning(logs, envelope.Id, count: 1); // still the one warning: delivering the copies fans nothing out
    }

    [Fact]
    public async Task ACopyWriteFailingOnEveryTry_FailsTheFanOut_LeavingTheOriginalToBeFannedOutAgain_SoNoDestinationLosesIt()
    {
        await using var targets = await Targets.StartAsync();
        var deliveries = UniqueNames.Queue("fanfail");
        var failing = new FailingCallPolicy(r => CopyWrites.DestinationOf(r, deliveries) == "crm");
        var sent = new SentRequests(deliveries);
        var logs = new CapturedLogs();
        await using var host = await CreateHostAsync(deliveries, targets, logs, failing, sent);
        var envelope = DeliveryHost.Envelope("evt_failed_copy");
        await host.EnqueueAsync(envelope);
        // Short, so that the original reappears soon for the worker below.
        var original = (await host.Queues.Deliveries.ReceiveMessageAsync(TimeSpan.FromSeconds(2))).Value;

        var failure = await Assert.ThrowsAsync<AggregateException>(() => host.Processor.ProcessReceivedAsync(host.Queues.Deliveries, original));

        // Every try of crm's write failed (the SDK retried, then gave up) and none reached the queue.
        Assert.True(failing.Failed > 1, $"{failing.Failed} tries");
        Assert.Equal(failing.Failed, failure.InnerExceptions.Count);
        Assert.All(failure.InnerExceptions, e => Assert.IsType<IOException>(e));
        Assert.Equal(["audit", "billing"], sent.CopyWrites);
        Assert.Equal(["audit", "billing"], (await QueuedDestinationsAsync(host)).Where(d => d is not null)); // the original may be visible again already
        Assert.Equal(0, sent.DeletesOf(original.MessageId)); // not completed:
        Assert.Equal(3, await host.CountAsync(host.Queues.Deliveries)); // it is still on the queue, with the two copies
        var warning = Assert.Single(logs.Where(ProcessorCategory, "copies were written"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(envelope.Id, warning.Fields["DeliveryId"]);
        Assert.Equal(2, warning.Fields["Written"]);
        Assert.Equal(["audit", "billing"], ((string)warning.Fields["Destinations"]!).Split(", ").Order(StringComparer.Ordinal)); // they get it twice

        // The worker delivers the two copies and, once the original reappears, fans it out again (crm's write passes now).
        await DrainAsync(host, targets, crm: 1, billing: 2, audit: 2);

        Assert.Equal(2, logs.Where(ProcessorCategory, "fanned out to {Count} destinations").Count(e => Equals(e.Fields["DeliveryId"], envelope.Id)));
        Assert.Equal(1, sent.DeletesOf(original.MessageId)); // by the second fan-out
        Assert.Equal([$"{envelope.Id}:crm"], Keys(targets.Crm));
        Assert.Equal([$"{envelope.Id}:billing", $"{envelope.Id}:billing"], Keys(targets.Billing)); // duplicates, never losses
        Assert.Equal([$"{envelope.Id}:audit", $"{envelope.Id}:audit"], Keys(targets.Audit));
        Assert.All(targets.All.SelectMany(t => t.Requests), r => Assert.Equal(envelope.Body, r.Body));
        Assert.Empty((await host.Queues.DeadLetter.PeekMessagesAsync(StorageNames.MaxMessagesPerCall)).Value);
    }

    private Task<DeliveryHost> CreateHostAsync(string deliveries, Targets targets, CapturedLogs logs, HttpPipelinePolicy failure, SentRequests sent)
    {
        // The app's own queue options (UnansweredWrites counting each try), then the test's failure, then the recorder.
        var queueOptions = WebhookStorage.QueueOptions(new IntakeOptions().QueueWriteTimeout);
        queueOptions.AddPolicy(failure, HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(sent, HttpPipelinePosition.PerRetry);
        return DeliveryHost.CreateAsync(
            azurite,
            targets.Billing.Url,
            output,
            options =>
            {
                options.Queues.Deliveries = deliveries;
                options.Sources[DeliveryHost.Source] = new SourceOptions
                {
                    Destinations =
                    {
                        ["billing"] = new DestinationOptions { Url = targets.Billing.Url.AbsoluteUri },
                        ["crm"] = new DestinationOptions { Url = targets.Crm.Url.AbsoluteUri },
                        ["audit"] = new DestinationOptions { Url = targets.Audit.Url.AbsoluteUri },
                    },
                };
            },
            services =>
            {
                services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, queueOptions));
                services.AddSingleton<ILoggerProvider>(logs);
            });
    }

    // The destination of every visible message on the deliveries queue (null for an undivided delivery), sorted.
    private static async Task<IReadOnlyList<string?>> QueuedDestinationsAsync(DeliveryHost host) =>
        [.. (await host.Queues.Deliveries.PeekMessagesAsync(StorageNames.MaxMessagesPerCall)).Value
            .Select(m => EnvelopeSerializer.Deserialize(m.Body.ToMemory().Span).Destination)
            .Order(StringComparer.Ordinal)];

    private static void AssertLostAnswerWarning(CapturedLogs logs, string deliveryId, int count)
    {
        var warning = Assert.Single(logs.Where(ProcessorCategory, "lost their answer"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(deliveryId, warning.Fields["DeliveryId"]);
        Assert.Equal(count, warning.Fields["Count"]);
    }

    // Runs a worker until each target has answered its count and the queue is empty.
    private static async Task DrainAsync(DeliveryHost host, Targets targets, int crm, int billing, int audit)
    {
        var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await targets.Crm.WaitForAnsweredAsync(crm, Patience);
        await targets.Billing.WaitForAnsweredAsync(billing, Patience);
        await targets.Audit.WaitForAnsweredAsync(audit, Patience);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await worker.StopAsync(CancellationToken.None);
    }

    private static IReadOnlyList<string?> Keys(ScriptedTarget target) => [.. target.Requests.Select(r => r.Header("Idempotency-Key"))];

    private sealed class Targets(ScriptedTarget billing, ScriptedTarget crm, ScriptedTarget audit) : IAsyncDisposable
    {
        public ScriptedTarget Billing { get; } = billing;

        public ScriptedTarget Crm { get; } = crm;

        public ScriptedTarget Audit { get; } = audit;

        public IEnumerable<ScriptedTarget> All => [Billing, Crm, Audit];

        public static async Task<Targets> StartAsync() =>
            new(await ScriptedTarget.StartAsync(), await ScriptedTarget.StartAsync(), await ScriptedTarget.StartAsync());

        public async ValueTask DisposeAsync()
        {
            foreach (var target in All)
            {
                await target.DisposeAsync();
            }
        }
    }
}
