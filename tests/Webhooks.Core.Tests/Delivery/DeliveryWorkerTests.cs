using System.Text;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Storage;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public class DeliveryWorkerTests
{
    private readonly StubTargetHandler _target = new();
    private readonly Mock<QueueClient> _deliveries = new();
    private readonly Mock<QueueClient> _poison = new();
    private readonly WebhooksOptions _options = new()
    {
        Delivery = { Jitter = "none", BaseDelay = TimeSpan.FromSeconds(1), MaxPollingInterval = TimeSpan.FromMilliseconds(200), ShutdownGracePeriod = TimeSpan.FromSeconds(1) },
        Sources = { ["shop"] = new SourceOptions { Target = { Url = "https://shop.example.com/hooks" } } },
    };

    private DeliveryWorker CreateWorker()
    {
        _deliveries.SetupGet(q => q.Name).Returns("deliveries");
        _poison.SetupGet(q => q.Name).Returns("deliveries-poison");
        var service = new Mock<QueueServiceClient>();
        service.Setup(s => s.GetQueueClient("deliveries")).Returns(_deliveries.Object);
        service.Setup(s => s.GetQueueClient("deliveries-poison")).Returns(_poison.Object);
        service.Setup(s => s.GetQueueClient("deadletter")).Returns(new Mock<QueueClient>().Object);
        foreach (var queue in new[] { _deliveries, _poison })
        {
            queue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        }

        var queues = new WebhookQueues(service.Object, new QueueNamesOptions { Deliveries = "deliveries", DeadLetter = "deadletter" });
        var options = Options.Create(_options);
        var live = new TestOptionsMonitor<WebhooksOptions>(_options);
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(_target.CreateClient);
        var processor = new DeliveryProcessor(
            queues,
            new TargetClient(factory.Object, live, TimeProvider.System),
            new TargetGuard(live, new FakeResolver()),
            new DeliveryClassifier(new Backoff()),
            new TargetPauseRegistry(live, TimeProvider.System, NullLogger<TargetPauseRegistry>.Instance),
            live,
            TimeProvider.System,
            NullLogger<DeliveryProcessor>.Instance);
        return new DeliveryWorker(queues, processor, options, TimeProvider.System, NullLogger<DeliveryWorker>.Instance);
    }

    [Fact]
    public async Task MessageFailingUnexpectedlyFiveTimes_IsMovedToThePoisonQueueAsItWas()
    {
        _options.Delivery.MaxConcurrency = 1; // one at a time, as a hidden message reappears only after a failure
        var bytes = EnvelopeSerializer.Serialize(new DeliveryEnvelope
        {
            Id = "d1", Source = "shop", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = Encoding.UTF8.GetBytes("{}"),
        });
        var receives = 0;
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => ++receives <= 5
                ? [new QueueMessage("m1", $"pop{receives}", new BinaryData(bytes), Convert.ToBase64String(bytes), receives, null, null, null)]
                : []);
        _deliveries.Setup(q => q.UpdateMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ReadOnlyMemory<byte>?>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(500, "InternalError"));
        var poisoned = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _poison.Setup(q => q.SendMessageAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((ReadOnlyMemory<byte> content, TimeSpan? _, TimeSpan? ttl, CancellationToken _) =>
            {
                Assert.Equal(Timeout.InfiniteTimeSpan, ttl);
                poisoned.TrySetResult(content.ToArray());
            })
            .ReturnsAsync(new SendReceipt("p1", "pop", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch));
        _deliveries.Setup(q => q.DeleteMessageAsync("m1", "pop5", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _target.Respond(503);
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        var moved = await poisoned.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(bytes, moved);
        Assert.Equal(5, _target.Requests.Count);
        _deliveries.Verify(q => q.DeleteMessageAsync("m1", "pop5", It.IsAny<CancellationToken>()), Times.Once);
        _deliveries.Verify(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsNotIn("pop5"), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ReceiveFailing_WorkerKeepsPollingWithBackOffAndNeverStops()
    {
        var calls = 0;
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromException<IReadOnlyList<QueueMessage>>(new RequestFailedException(0, "connection refused"));
            });
        using var worker = CreateWorker();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await worker.StartAsync(CancellationToken.None);
        while (Volatile.Read(ref calls) < 4 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        var elapsed = clock.Elapsed;
        var stillRunning = !worker.ExecuteTask!.IsCompleted;
        await worker.StopAsync(CancellationToken.None);

        // Four tries need at least the back-off between them (100 ms, then 200 ms, the cap here): not a hot loop.
        // Only a lower bound on time is asserted, since a busy machine can only make the waits longer.
        Assert.True(Volatile.Read(ref calls) >= 4, "The worker stopped polling after a storage failure.");
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(500), $"Four polls took only {elapsed}: no back-off.");
        Assert.True(stillRunning);
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task BatchSize_AsksForAtMostTheConfiguredNumberOfMessages()
    {
        _options.Delivery.BatchSize = 7;
        _options.Delivery.MaxConcurrency = 20;
        var asked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((int max, TimeSpan? visibility, CancellationToken _) =>
            {
                Assert.Equal(TimeSpan.FromMinutes(2), visibility);
                asked.TrySetResult(max);
            })
            .ReturnsAsync([]);
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        var max = await asked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(7, max);
    }
}
