using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Webhooks.AzureStorage;

namespace Webhooks.Hosting;

/// <summary>
/// Creates the app's queues at start, in the background and with retries, so the host starts (and answers 503
/// with <c>Retry-After</c>) even while storage is unreachable. Every failure shape of the SDK (a refused
/// connection, retries exhausted, its own network timeout, which is an <see cref="OperationCanceledException"/>) is
/// retried here: letting one escape would stop the host.
/// </summary>
internal sealed partial class QueueInitializer(WebhookQueues queues, TimeProvider timeProvider, ILogger<QueueInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queues.EnsureCreatedAsync(stoppingToken);
                LogReady(queues.Deliveries.Name, queues.DeadLetter.Name);
                return;
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, stoppingToken))
            {
                LogUnavailable(ex, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queues ready: {Deliveries}, {DeadLetter}")]
    private partial void LogReady(string deliveries, string deadLetter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unreachable while creating queues; retrying in {Delay}")]
    private partial void LogUnavailable(Exception exception, TimeSpan delay);
}
