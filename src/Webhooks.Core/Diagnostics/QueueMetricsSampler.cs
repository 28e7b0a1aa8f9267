using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Webhooks.DeadLetters;
using Webhooks.Delivery;

namespace Webhooks.Diagnostics;

/// <summary>
/// Feeds the gauges of <see cref="WebhooksMetrics"/>: every <see cref="Interval"/> it reads queue depths and
/// oldest ages with <see cref="DeadLetterStore.QueueStatsAsync"/> (metadata and one peek per queue; it receives
/// nothing, so it never hides messages) and, when the delivery engine runs in this process, the number of paused
/// targets. Failures are logged and retried at the next tick.
/// </summary>
public sealed class QueueMetricsSampler(
    DeadLetterStore store,
    WebhooksMetrics metrics,
    TimeProvider timeProvider,
    ILogger<QueueMetricsSampler> logger,
    TargetPauseRegistry? pauses = null) : BackgroundService
{
    /// <summary>Time between samples. Default 30 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Takes one sample now; false when Storage could not be read.</summary>
    public async Task<bool> SampleOnceAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (pauses is not null)
            {
                metrics.SetPausedTargets(await pauses.CountPausedAsync(cancellationToken).ConfigureAwait(false));
            }

            var stats = await store.QueueStatsAsync(cancellationToken).ConfigureAwait(false);
            metrics.UpdateQueueStats(stats, timeProvider.GetUtcNow());
            return true;
        }
        catch (Exception ex) when (AzureStorage.StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            logger.LogWarning("Queue metrics sample failed: {Error}", AzureStorage.StorageFailures.Describe(ex));
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            await SampleOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
