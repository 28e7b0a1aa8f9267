using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Webhooks.AzureStorage;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>The poll-loop worker against a real Azurite and a real HTTP target on loopback.</summary>
public sealed class DeliveryWorkerTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);

    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Target500Then503Then200_IsDeliveredExactlyOnceAfterTwoRetries()
    {
        _target.Enqueue(TargetReply.Json(500, """{"message":"boom"}"""), TargetReply.Of(503), TargetReply.Of(200));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        var envelope = DeliveryHost.Envelope("evt_retry");
        await host.EnqueueAsync(envelope);

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var requests = await _target.WaitForAnsweredAsync(3, Patience);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await Task.Delay(1500); // long enough for a spurious fourth call to show up
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal([500, 503, 200], _target.Requests.Select(r => r.Reply.Status));
        Assert.All(requests, request =>
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal("/hooks", request.PathAndQuery);
            Assert.Equal(envelope.Body, request.Body);
            Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
            Assert.Equal("evt_retry", request.Header("Idempotency-Key"));
            Assert.Equal("member.created", request.Header("x-event-type"));
            Assert.Equal("Webhooks/1.0", request.Header("User-Agent"));
        });
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
    }

    [Fact]
    public async Task AQueueLeftBehindByALowerCount_IsDrainedRetriesIncluded_ThenNoLongerPolled_AndItsPoisonQueueIsLeftAlone()
    {
        _target.Enqueue(TargetReply.Of(503), TargetReply.Of(200)); // the retry goes back to the retired queue: drained too
        var logs = new FanOut.CapturedLogs();
        await using var host = await DeliveryHost.CreateAsync(
            azurite, _target.Url, output, options => options.Queues.Count = 2, services => services.AddSingleton<ILoggerProvider>(logs));
        var service = azurite.CreateQueueServiceClient();
        var retired = service.GetQueueClient(host.Queues.Deliveries.Name + "-2"); // Count is 2: queues 0 and 1
        var retiredPoison = service.GetQueueClient(retired.Name + "-poison");
        await retired.CreateAsync();
        await retiredPoison.CreateAsync();
        var envelope = DeliveryHost.Envelope("evt_retired");
        await retired.SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(envelope)), null, StorageNames.NeverExpires);
        await retiredPoison.SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(DeliveryHost.Envelope("evt_poisoned"))), null, StorageNames.NeverExpires);

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var requests = await _target.WaitForAnsweredAsync(2, Patience);
        await host.WaitUntilEmptyAsync(retired, Patience);
        var stopped = await Poll.UntilAsync(
            () => Task.FromResult(logs.Where(typeof(DeliveryWorker).FullName!, "is empty: no longer polled")),
            found => found.Count > 0);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal([503, 200], requests.Select(r => r.Reply.Status));
        Assert.All(requests, r => Assert.Equal(envelope.Body, r.Body));
        Assert.Equal(retired.Name, Assert.Single(stopped).Fields["Queue"]);
        Assert.Single(logs.Where(typeof(DeliveryWorker).FullName!, "left behind by a lower Webhooks:Queues:Count"));
        Assert.Equal(1, await host.CountAsync(retiredPoison)); // a poison queue is for operators, never delivered from
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
    }

    [Fact]
    public async Task Target422_IsDeadLetteredOnTheFirstAttemptWithTheParsedFieldErrors()
    {
        _target.Enqueue(TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"email":["The email field is required."]}}""").WithHeader("X-Request-Id", "req-422"));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        var envelope = DeliveryHost.Envelope("evt_invalid");
        await host.EnqueueAsync(envelope);

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await host.WaitForDeadLettersAsync(1, Patience));
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await worker.StopAsync(CancellationToken.None);

        Assert.Single(_target.Requests);
        Assert.Equal(DeadLetterReasons.TargetRejected, record.Reason);
        Assert.Equal(422, record.FinalStatus);
        Assert.Equal(host.Queues.Deliveries.Name, record.OriginQueue);
        Assert.Equal("evt_invalid", record.Envelope!.Id);
        Assert.Equal(envelope.Body, record.Envelope.Body);
        Assert.Equal(1, record.Envelope.Attempt);
        var attempt = Assert.Single(record.Envelope.Attempts);
        Assert.Equal((1, "deadLetter", 422), (attempt.Number, attempt.Outcome, attempt.Status));
        Assert.Equal("req-422", record.Response!.Headers["x-request-id"]);
        Assert.Equal(TargetErrorDialects.Validation, record.Error!.Dialect);
        Assert.Equal("The given data was invalid.", record.Error.Message);
        Assert.Equal(["The email field is required."], record.Error.Errors!["email"]);
    }

    [Fact]
    public async Task Target429WithRetryAfter2_IsRetriedNoSoonerThanTwoSecondsLater()
    {
        _target.Enqueue(TargetReply.Of(429).WithHeader("Retry-After", "2"), TargetReply.Of(200));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_limited"));

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var requests = await _target.WaitForAnsweredAsync(2, Patience);
        await worker.StopAsync(CancellationToken.None);

        var gap = requests[1].At - requests[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(2), $"retried after {gap}");
        Assert.True(gap < TimeSpan.FromSeconds(5), $"retried only after {gap}");
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
    }

    [Fact]
    public async Task TargetSlowerThanItsTimeout_IsRequeuedAndDeliveredOnTheNextAttempt()
    {
        _target.Enqueue(TargetReply.Of(200).After(TimeSpan.FromSeconds(3)), TargetReply.Of(200));
        await using var host = await DeliveryHost.CreateAsync(
            azurite, _target.Url, output, options => options.Sources[DeliveryHost.Source].Target.Timeout = TimeSpan.FromMilliseconds(500));
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_slow"));

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var requests = await _target.WaitForAnsweredAsync(1, Patience);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].Aborted, "the slow call should have been abandoned");
        Assert.True(requests[1].Answered);
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
    }

    [Fact]
    public async Task Target401_PausesTheTargetHoldsLaterDeliveriesAndResumeDrainsThem()
    {
        _target.Enqueue(TargetReply.Json(401, """{"message":"Your API key is wrong."}"""));
        await using var host = await DeliveryHost.CreateAsync(
            azurite, _target.Url, output, options => options.Delivery.PauseProbeInterval = TimeSpan.FromSeconds(3));
        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);

        await host.EnqueueAsync(DeliveryHost.Envelope("evt_first"));
        await _target.WaitForAnsweredAsync(1, Patience);
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_second"));
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_third"));
        var deadline = DateTimeOffset.UtcNow + Patience;
        while ((await host.Pauses.SnapshotAsync(CancellationToken.None)).SingleOrDefault()?.Held != 3 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Single(_target.Requests); // held, not called
        var pause = Assert.Single(await host.Pauses.SnapshotAsync(CancellationToken.None));
        Assert.Equal((DeliveryHost.Source, 401, 3L), (pause.Source, pause.Status, pause.Held));
        Assert.Equal(3, await host.CountAsync(host.Queues.Deliveries));

        Assert.True(await host.Pauses.ResumeAsync(DeliveryHost.Source, "operator", CancellationToken.None));
        var requests = await _target.WaitForAnsweredAsync(4, Patience);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(["evt_first", "evt_second", "evt_third"], requests.Skip(1).Select(r => r.Header("Idempotency-Key")).Order());
        Assert.All(requests.Skip(1), r => Assert.Equal(200, r.Reply.Status));
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
        Assert.Empty(await host.Pauses.SnapshotAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WorkerStoppedMidBatch_LeavesTheMessagesToReappearAndAnotherWorkerDeliversThem()
    {
        _target.Default = TargetReply.Of(200).After(TimeSpan.FromSeconds(30));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options =>
        {
            options.Delivery.VisibilityTimeout = TimeSpan.FromSeconds(2);
            options.Delivery.ShutdownGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        foreach (var id in new[] { "evt_a", "evt_b", "evt_c" })
        {
            await host.EnqueueAsync(DeliveryHost.Envelope(id));
        }

        using (var first = host.CreateWorker())
        {
            await first.StartAsync(CancellationToken.None);
            await _target.WaitForRequestsAsync(3, Patience);
            await first.StopAsync(CancellationToken.None);
        }

        Assert.Equal(3, await host.CountAsync(host.Queues.Deliveries));
        Assert.All(_target.Requests, request => Assert.False(request.Answered));

        _target.Default = TargetReply.Of(200);
        using var second = host.CreateWorker();
        await second.StartAsync(CancellationToken.None);
        var requests = await _target.WaitForAnsweredAsync(3, Patience);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await second.StopAsync(CancellationToken.None);

        Assert.Equal(["evt_a", "evt_b", "evt_c"], requests.Where(r => r.Answered).Select(r => r.Header("Idempotency-Key")).Order());
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
    }

    [Fact]
    public async Task UndecodableMessage_IsDeadLetteredOnceWithItsTextAndNeverCallsTheTarget()
    {
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        await host.Queues.Deliveries.SendMessageAsync(Encoding.UTF8.GetBytes("this is not an envelope"));

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await host.WaitForDeadLettersAsync(1, Patience));
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(DeadLetterReasons.MalformedMessage, record.Reason);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("this is not an envelope")), record.RawMessage);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task LoopbackTargetWithoutAllowPrivateNetworkTargets_IsDeadLetteredAsNotConfiguredWithoutACall()
    {
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => options.Delivery.AllowPrivateNetworkTargets = false);
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_ssrf"));

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await host.WaitForDeadLettersAsync(1, Patience));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(DeadLetterReasons.TargetNotConfigured, record.Reason);
        Assert.Contains("127.0.0.1", record.Detail, StringComparison.Ordinal);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task DisabledWorker_ReceivesNothing()
    {
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => options.Delivery.Enabled = false);
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_off"));

        var worker = host.RegisteredWorker;
        await worker.StartAsync(CancellationToken.None);
        await Task.Delay(1000);
        await worker.StopAsync(CancellationToken.None);

        Assert.Empty(_target.Requests);
        Assert.Single((await host.Queues.Deliveries.PeekMessagesAsync()).Value);
    }
}
