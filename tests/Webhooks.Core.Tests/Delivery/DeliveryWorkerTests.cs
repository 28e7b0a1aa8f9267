using Webhooks.Testing;
using System.Text;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Core.Tests.DeadLetters;

namespace Webhooks.Core.Tests.Delivery;

public class DeliveryWorkerTests
{
    private readonly StubTargetHandler _target = new();
    private readonly Mock<QueueClient> _deliveries = new();
    private readonly Mock<QueueClient> _poison = new();
    private readonly Mock<QueueClient> _second = new();
    private readonly Mock<QueueClient> _secondPoison = new();
    private readonly WebhooksOptions _options = new()
    {
        Delivery = { Jitter = "none", BaseDelay = TimeSpan.FromSeconds(1), MaxPollingInterval = TimeSpan.FromMilliseconds(200), ShutdownGracePeriod = TimeSpan.FromSeconds(1) },
        Sources = { ["shop"] = new SourceOptions { Target = { Url = "https://shop.example.com/hooks" } } },
    };

    public DeliveryWorkerTests()
    {
        // Empty queues unless a test says otherwise (a test's own setup, made later, wins).
        foreach (var queue in new[] { _deliveries, _poison, _second, _secondPoison })
        {
            queue.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>())).ReturnsAsync(InMemoryQueue.Of<QueueMessage[]>([]));
        }
    }

    private DeliveryWorker CreateWorker(int queueCount = 1)
    {
        var service = new Mock<QueueServiceClient>();
        foreach (var (queue, name) in new[] { (_deliveries, "deliveries"), (_poison, "deliveries-poison"), (_second, "deliveries-1"), (_secondPoison, "deliveries-1-poison") })
        {
            queue.SetupGet(q => q.Name).Returns(name);
            queue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(Mock.Of<Response>());
            service.Setup(s => s.GetQueueClient(name)).Returns(queue.Object);
        }

        service.Setup(s => s.GetQueueClient("deadletter")).Returns(new Mock<QueueClient>().Object);
        var queues = new WebhookQueues(service.Object, new QueueNamesOptions { Deliveries = "deliveries", DeadLetter = "deadletter", Count = queueCount });
        var options = Options.Create(_options);
        var live = new TestOptionsMonitor<WebhooksOptions>(_options);
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(_target.CreateClient);
        var processor = new DeliveryProcessor(
            queues,
            new TargetClient(factory.Object, live, TimeProvider.System),
            new TargetGuard(live, new FakeResolver()),
            new DeliveryClassifier(new Backoff()),
            new TargetPauseRegistry(new InMemoryTargetPauseStore(), live, TimeProvider.System, NullLogger<TargetPauseRegistry>.Instance),
            live,
            TimeProvider.System,
            NullLogger<DeliveryProcessor>.Instance);
        return new DeliveryWorker(queues, processor, options, TimeProvider.System, NullLogger<DeliveryWorker>.Instance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task MessageFailingUnexpectedly_IsPoisonedByTheServicesDequeueCount_IntoItsOwnQueuesPoisonQueue(int queueIndex)
    {
        // Received for the 4th and then the 5th time (by earlier instances or before a restart): this process has
        // seen it fail only once when it reaches the limit, so a count kept in memory would not poison it yet.
        _options.Delivery.MaxConcurrency = 1;
        var (queue, poison, otherPoison) = queueIndex == 1 ? (_deliveries, _poison, _secondPoison) : (_second, _secondPoison, _poison);
        var bytes = EnvelopeSerializer.Serialize(new DeliveryEnvelope
        {
            Id = "d1", Source = "shop", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = Encoding.UTF8.GetBytes("{}"),
        });
        var receives = 0;
        queue.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => InMemoryQueue.Of<QueueMessage[]>(++receives <= 2
                ? [QueuesModelFactory.QueueMessage("m1", $"pop{receives}", new BinaryData(bytes), dequeueCount: 3 + receives)]
                : []));
        // A refusal specific to this message (not storage being down), so it is the message's fault each time.
        queue.Setup(q => q.UpdateMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(400, "InvalidQueryParameterValue"));
        var poisoned = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        poison.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((BinaryData content, TimeSpan? _, TimeSpan? ttl, CancellationToken _) =>
            {
                Assert.Equal(TimeSpan.FromSeconds(-1), ttl);
                poisoned.TrySetResult(content.ToArray());
            })
            .ReturnsAsync(InMemoryQueue.Of(QueuesModelFactory.SendReceipt("p1", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, "pop", DateTimeOffset.UnixEpoch)));
        queue.Setup(q => q.DeleteMessageAsync("m1", "pop2", It.IsAny<CancellationToken>())).ReturnsAsync(Mock.Of<Response>());
        _target.Respond(503);
        using var worker = CreateWorker(queueCount: 2);

        await worker.StartAsync(CancellationToken.None);
        var moved = await poisoned.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(bytes, moved);
        Assert.Equal(2, _target.Requests.Count);
        queue.Verify(q => q.DeleteMessageAsync("m1", "pop2", It.IsAny<CancellationToken>()), Times.Once);
        queue.Verify(q => q.DeleteMessageAsync("m1", "pop1", It.IsAny<CancellationToken>()), Times.Never);
        otherPoison.Verify(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task StorageDownWhileSettling_NeverPoisons_TheMessageIsLeftToReappear()
    {
        _options.Delivery.MaxConcurrency = 1;
        var bytes = EnvelopeSerializer.Serialize(new DeliveryEnvelope
        {
            Id = "d1", Source = "shop", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = Encoding.UTF8.GetBytes("{}"),
        });
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receives = 0;
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => InMemoryQueue.Of<QueueMessage[]>(++receives == 1
                ? [QueuesModelFactory.QueueMessage("m1", "pop1", new BinaryData(bytes), dequeueCount: 9)]
                : []));
        _deliveries.Setup(q => q.UpdateMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Callback(() => settled.TrySetResult())
            .ThrowsAsync(new AggregateException("Retry failed after 3 tries.", new RequestFailedException(503, "ServerBusy"), new TaskCanceledException()));
        _target.Respond(503);
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        await settled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await worker.StopAsync(CancellationToken.None);

        _poison.Verify(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
        _deliveries.Verify(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ReceiveFailing_WorkerKeepsPollingWithBackOffAndNeverStops()
    {
        var calls = 0;
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromException<Response<QueueMessage[]>>(new AggregateException(new RequestFailedException(0, "connection refused")));
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
        _deliveries.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((int? max, TimeSpan? visibility, CancellationToken _) =>
            {
                Assert.Equal(TimeSpan.FromMinutes(2), visibility);
                asked.TrySetResult(max ?? 0);
            })
            .ReturnsAsync(InMemoryQueue.Of<QueueMessage[]>([]));
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        var max = await asked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(7, max);
    }
}
