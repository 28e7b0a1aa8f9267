using Webhooks.Delivery;
using Webhooks.Envelopes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>"Process one message", both entry points, step by step against a real Azurite and a loopback target.</summary>
public sealed class DeliveryProcessorTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task ProcessReceived_500Then503Then200_RecordsEachAttemptInTheQueuedEnvelope()
    {
        _target.Enqueue(TargetReply.Json(500, """{"message":"boom"}"""), TargetReply.Of(503), TargetReply.Of(200));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        var envelope = DeliveryHost.Envelope("evt_steps");
        await host.EnqueueAsync(envelope);
        var seen = new List<DeliveryEnvelope>();
        var outcomes = new List<DeliveryOutcome>();

        while (outcomes.Count == 0 || outcomes[^1].Kind != DeliveryOutcomeKind.Delivered)
        {
            var message = await ReceiveOneAsync(host.Queues.Deliveries, TimeSpan.FromSeconds(5));
            seen.Add(EnvelopeSerializer.Deserialize(message.Body.ToMemory().Span));
            outcomes.Add(await host.Processor.ProcessReceivedAsync(host.Queues.Deliveries, message));
        }

        Assert.Equal(
            [(DeliveryOutcomeKind.Requeued, 500, 1), (DeliveryOutcomeKind.Requeued, 503, 2), (DeliveryOutcomeKind.Delivered, 200, 3)],
            outcomes.Select(o => (o.Kind, o.Status!.Value, o.Attempt)));
        Assert.Equal([0, 1, 2], seen.Select(e => e.Attempt));
        var beforeLast = seen[^1];
        Assert.Equal([(1, "requeue", 500, "500: boom"), (2, "requeue", 503, "503 Service Unavailable")], beforeLast.Attempts.Select(a => (a.Number, a.Outcome, a.Status!.Value, a.Detail!)));
        Assert.All(seen, e => Assert.Equal(envelope.Body, e.Body));
        Assert.Equal(0, await host.CountAsync(host.Queues.Deliveries));
        Assert.Equal(3, _target.Requests.Count);
    }

    [Fact]
    public async Task ProcessTriggered_503_SendsTheUpdatedEnvelopeBackInvisibleForTheDelay()
    {
        _target.Enqueue(TargetReply.Of(503).WithHeader("Retry-After", "2"));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        var sentAt = DateTimeOffset.UtcNow;

        var outcome = await host.Processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(DeliveryHost.Envelope("evt_trigger"))));

        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.Delay);
        Assert.Empty((await host.Queues.Deliveries.PeekMessagesAsync()).Value); // invisible for now
        var message = await ReceiveOneAsync(host.Queues.Deliveries, TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.UtcNow - sentAt >= TimeSpan.FromSeconds(2));
        var requeued = EnvelopeSerializer.Deserialize(message.Body.ToMemory().Span);
        Assert.Equal(1, requeued.Attempt);
        Assert.Equal(503, Assert.Single(requeued.Attempts).Status);
        Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"expires {message.ExpiresOn}");
    }

    [Fact]
    public async Task ProcessTriggered_Seed004Conflict_WritesANeverExpiringRecordAnOperatorCanRead()
    {
        _target.Enqueue(TargetReply.Json(409, """
            {"timestamp":"2026-01-01T00:00:00.000+0000","path":"/api/v2/members","status":409,"error":"Conflict",
             "errorCode":"userEmailConflict","message":"The email is already used within your gym or chain"}
            """));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);

        var outcome = await host.Processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(DeliveryHost.Envelope("evt_conflict"))));

        Assert.Equal(DeadLetterReasons.TargetRejected, outcome.Reason);
        var record = Assert.Single(await host.WaitForDeadLettersAsync(1, TimeSpan.FromSeconds(5)));
        Assert.Equal("409 userEmailConflict: The email is already used within your gym or chain", record.Error!.Summary);
        Assert.Equal(TargetErrorDialects.Egym, record.Error.Dialect);
        var stored = Assert.Single((await host.Queues.DeadLetter.PeekMessagesAsync()).Value);
        Assert.True(stored.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"expires {stored.ExpiresOn}");
        Assert.Equal(0, await host.CountAsync(host.Queues.Deliveries));
    }

    private static async Task<QueueMessage> ReceiveOneAsync(QueueClient queue, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if ((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value is [var message])
            {
                return message;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"No message became visible on {queue.Name} within {timeout}.");
            }

            await Task.Delay(100);
        }
    }
}
