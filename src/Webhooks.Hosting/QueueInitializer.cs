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
                await WarnOfRetiredQueuesAsync(stoppingToken);
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

    // Lowering Webhooks:Queues:Count leaves the higher-numbered queues' messages behind: say so at every start until
    // they are empty. The Kestrel host's workers drain the delivery queues (DeliveryWorker); the Functions app's
    // triggers past the count are disabled by infra/; the dead-letter views import the poison queues past it.
    // Best effort: a failure here stops nothing.
    private async Task WarnOfRetiredQueuesAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (queue, messages) in await queues.FindRetiredWithMessagesAsync(cancellationToken))
            {
                if (queue.EndsWith(WebhookQueues.PoisonSuffix, StringComparison.Ordinal))
                {
                    LogRetiredPoison(queue, messages, queues.DeliveryQueues.Count);
                }
                else
                {
                    LogRetired(queue, messages, queues.DeliveryQueues.Count);
                }
            }
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            LogRetiredCheckFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} holds about {Messages} messages, but Webhooks:Queues:Count is {Count}, so intake no longer writes to it: the Kestrel host's delivery workers drain it until it is empty; the Functions app drains it only while that queue's DeliverWebhookN trigger is enabled")]
    private partial void LogRetired(string queue, int messages, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} holds about {Messages} poisoned messages past Webhooks:Queues:Count ({Count}): the dead-letter views import them like the others, and their replays go to the first delivery queue")]
    private partial void LogRetiredPoison(string queue, int messages, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check for delivery queues left behind by a lower Webhooks:Queues:Count")]
    private partial void LogRetiredCheckFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queues ready: {Deliveries}, {DeadLetter}")]
    private partial void LogReady(string deliveries, string deadLetter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unreachable while creating queues; retrying in {Delay}")]
    private partial void LogUnavailable(Exception exception, TimeSpan delay);
}
