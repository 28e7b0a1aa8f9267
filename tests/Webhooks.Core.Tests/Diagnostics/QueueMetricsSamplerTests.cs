using Azure;
using Moq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Core.Tests.DeadLetters;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Diagnostics;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Diagnostics;

public sealed class QueueMetricsSamplerTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly WebhooksMetrics _metrics = new();

    [Fact]
    public async Task SampleOnce_UpdatesQueueStatsAndPausedTargets()
    {
        var deliveries = new InMemoryQueue("deliveries", _time);
        deliveries.Add("a");
        deliveries.Add("b");
        var store = new DeadLetterStore(deliveries, new InMemoryQueue("dl", _time), new InMemoryQueue("p", _time, exists: false), _time);
        using var pauses = new TargetPauseRegistry(new InMemoryTargetPauseStore(), new TestOptionsMonitor<WebhooksOptions>(new WebhooksOptions()), _time, NullLogger<TargetPauseRegistry>.Instance);
        await pauses.PauseAsync("shop", "evt_1", "401 from target", 401, CancellationToken.None);
        var sampler = new QueueMetricsSampler(store, _metrics, _time, NullLogger<QueueMetricsSampler>.Instance, pauses);

        var sampled = await sampler.SampleOnceAsync();

        Assert.True(sampled);
        Assert.Equal(2, _metrics.LatestQueueStats[0].ApproximateCount);
        Assert.False(_metrics.LatestQueueStats[2].Exists);
        Assert.Equal(_time.GetUtcNow(), _metrics.LatestQueueStatsAt);
        Assert.Equal(1, _metrics.PausedTargets);
    }

    [Fact]
    public async Task SampleOnce_WhenStorageFails_ReturnsFalseAndKeepsTheLastSnapshot()
    {
        var broken = new Moq.Mock<Azure.Storage.Queues.QueueClient>();
        broken.SetupGet(q => q.Name).Returns("deliveries");
        broken.Setup(q => q.GetPropertiesAsync(Moq.It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(0, "connection refused"));
        var store = new DeadLetterStore(broken.Object, broken.Object, broken.Object, _time);
        var sampler = new QueueMetricsSampler(store, _metrics, _time, NullLogger<QueueMetricsSampler>.Instance);

        var sampled = await sampler.SampleOnceAsync();

        Assert.False(sampled);
        Assert.Empty(_metrics.LatestQueueStats);
        Assert.Null(_metrics.PausedTargets);
    }

    public void Dispose() => _metrics.Dispose();
}
