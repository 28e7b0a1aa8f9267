using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;

namespace Webhooks.Delivery;

/// <summary>
/// The poll loop for hosts without the Functions queue trigger, with the trigger's semantics: batches of up to
/// <see cref="DeliveryOptions.BatchSize"/> (≤ 32) hidden for <see cref="DeliveryOptions.VisibilityTimeout"/>, at
/// most <see cref="DeliveryOptions.MaxConcurrency"/> deliveries at once, polling that backs off from 100 ms to
/// <see cref="DeliveryOptions.MaxPollingInterval"/> while the queue is empty or storage is down, and poison
/// handling once a message that fails unexpectedly has been received <see cref="MaxDequeueCount"/> times (the
/// service's own dequeue count, so it survives restarts and is shared by every instance, as the Functions host's
/// <c>maxDequeueCount</c>). With several delivery queues (<c>Webhooks:Queues:Count</c>) there is one loop per
/// queue, all sharing the concurrency limit; each queue's poison goes to its own <c>&lt;queue&gt;-poison</c>.
/// </summary>
/// <remarks>
/// Shutdown stops receiving, lets in-flight deliveries finish for up to
/// <see cref="DeliveryOptions.ShutdownGracePeriod"/> (or until the host's own shutdown timeout), then abandons the
/// rest: their messages were not settled, so they become visible again and are delivered later. Runs only when
/// <see cref="DeliveryOptions.Enabled"/>.
/// </remarks>
public sealed class DeliveryWorker : BackgroundService
{
    /// <summary>The first and shortest wait between polls.</summary>
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Receives of one message, counted by the service, after which an unexpected failure moves it to the poison queue (host.json's <c>maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;

    private readonly WebhookQueues _queues;
    private readonly DeliveryProcessor _processor;
    private readonly IOptions<WebhooksOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly CancellationTokenSource _processing = new();

    /// <summary>Creates the worker.</summary>
    public DeliveryWorker(WebhookQueues queues, DeliveryProcessor processor, IOptions<WebhooksOptions> options, TimeProvider timeProvider, ILogger<DeliveryWorker> logger)
    {
        _queues = queues;
        _processor = processor;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host stops waiting, abandon in-flight deliveries at once rather than after the grace period.
        using var registration = cancellationToken.Register(AbandonInFlight);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _processing.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delivery = _options.Value.Delivery;
        if (!delivery.Enabled)
        {
            _logger.LogInformation("Delivery worker disabled (Webhooks:Delivery:Enabled is false).");
            return;
        }

        await Task.Yield();
        var batchSize = Math.Clamp(delivery.BatchSize, 1, StorageNames.MaxMessagesPerCall);
        var concurrency = Math.Max(delivery.MaxConcurrency, 1);
        var visibility = Clamp(delivery.VisibilityTimeout, TimeSpan.FromSeconds(1), StorageNames.MaxVisibilityTimeout);
        var maxIdle = delivery.MaxPollingInterval > MinPollingInterval ? delivery.MaxPollingInterval : MinPollingInterval;
        if (visibility <= delivery.Timeout)
        {
            _logger.LogWarning(
                "Webhooks:Delivery:VisibilityTimeout ({Visibility}) is not longer than the target timeout ({Timeout}): slow targets may be called twice.",
                visibility, delivery.Timeout);
        }

        // One poll loop per delivery queue (Webhooks:Queues:Count), sharing one concurrency budget: a busy queue
        // gets the slots an idle one does not use, and each loop backs off on its own while its queue is empty.
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var loop = new PollSettings(batchSize, visibility, maxIdle);
        _logger.LogInformation(
            "Delivery worker polling {Queues}: batches of {BatchSize}, {Concurrency} at once, visibility {Visibility}.",
            string.Join(", ", _queues.DeliveryQueues.Select(q => q.Name)), batchSize, concurrency, visibility);
        var inFlight = await Task.WhenAll(_queues.DeliveryQueues
            .Select(queue => PollAsync(queue, slots, loop, untilDrained: false, stoppingToken))
            .Append(DrainRetiredAsync(slots, loop, stoppingToken))).ConfigureAwait(false);

        await DrainAsync([.. inFlight.SelectMany(tasks => tasks)], delivery.ShutdownGracePeriod).ConfigureAwait(false);
    }

    // Queues left behind by a lower Webhooks:Queues:Count hold deliveries that were acknowledged: each is polled with
    // the others' budget until it is empty (messages waiting out a back-off included), then no longer. Looked for
    // once per start, best effort: a failure other than storage being down only means they wait for the next start.
    private async Task<List<Task>> DrainRetiredAsync(SemaphoreSlim slots, PollSettings settings, CancellationToken stoppingToken)
    {
        IReadOnlyList<QueueClient> retired;
        var idle = MinPollingInterval;
        while (true)
        {
            try
            {
                await _queues.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                retired = await _queues.FindRetiredDeliveryQueuesAsync(stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return [];
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, stoppingToken))
            {
                if (!await DelayAsync(idle, stoppingToken).ConfigureAwait(false))
                {
                    return [];
                }

                idle = Next(idle, settings.MaxIdle);
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Cannot look for delivery queues left behind by a lower Webhooks:Queues:Count ({Error}); they are looked for again at the next start.", StorageFailures.Describe(ex));
                return [];
            }
        }

        foreach (var queue in retired)
        {
            _logger.LogInformation("Draining {Queue}, left behind by a lower Webhooks:Queues:Count ({Count}): polled until it is empty.", queue.Name, _queues.DeliveryQueues.Count);
        }

        var inFlight = await Task.WhenAll(retired.Select(queue => PollAsync(queue, slots, settings, untilDrained: true, stoppingToken))).ConfigureAwait(false);
        return [.. inFlight.SelectMany(tasks => tasks)];
    }

    // Receives from one queue until stopping (or, untilDrained, until it holds nothing); returns the deliveries still in flight.
    private async Task<List<Task>> PollAsync(QueueClient queue, SemaphoreSlim slots, PollSettings settings, bool untilDrained, CancellationToken stoppingToken)
    {
        var (batchSize, visibility, maxIdle) = settings;
        var inFlight = new List<Task>();
        var idle = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var free = 1;
            while (free < batchSize && slots.Wait(0))
            {
                free++;
            }

            QueueMessage[] messages;
            try
            {
                await _queues.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                messages = (await queue.ReceiveMessagesAsync(free, visibility, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                slots.Release(free);
                break;
            }
            catch (Exception ex)
            {
                slots.Release(free);
                if (untilDrained && ex is RequestFailedException { Status: 404 })
                {
                    _logger.LogInformation("{Queue} was deleted: no longer polled.", queue.Name);
                    break;
                }

                _logger.LogWarning("Cannot receive from {Queue} ({Error}); trying again in {Delay}.", queue.Name, StorageFailures.Describe(ex), idle);
                if (!await DelayAsync(idle, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }

                idle = Next(idle, maxIdle);
                continue;
            }

            if (messages.Length < free)
            {
                slots.Release(free - messages.Length);
            }

            if (messages.Length == 0)
            {
                if (untilDrained && await IsEmptyAsync(queue, stoppingToken).ConfigureAwait(false))
                {
                    _logger.LogInformation("{Queue} is empty: no longer polled.", queue.Name);
                    break;
                }

                if (!await DelayAsync(idle, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }

                idle = Next(idle, maxIdle);
                continue;
            }

            idle = MinPollingInterval;
            inFlight.RemoveAll(task => task.IsCompleted);
            foreach (var message in messages)
            {
                inFlight.Add(ProcessAsync(queue, message, slots));
            }
        }

        return inFlight;
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message, SemaphoreSlim slots)
    {
        try
        {
            await Task.Yield(); // let the loop receive the next batch while this one decodes and connects
            await _processor.ProcessReceivedAsync(queue, message, _processing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_processing.IsCancellationRequested)
        {
            _logger.LogInformation("Shutting down: message {MessageId} left unsettled; it becomes visible again and is delivered later.", message.MessageId);
        }
        catch (Exception ex)
        {
            await HandleUnexpectedFailureAsync(queue, message, ex).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task HandleUnexpectedFailureAsync(QueueClient queue, QueueMessage message, Exception exception)
    {
        // Storage being down (no answer, or a transient one) is not the message's fault: it reappears after its
        // visibility timeout, which is the back-off. A refusal of this message (4xx) counts like any other failure.
        var storageDown = StorageFailures.IsStorageFailure(exception) && !StorageFailures.IsDefiniteRefusal(exception, transientCounts: false);
        if (storageDown || message.DequeueCount < MaxDequeueCount)
        {
            _logger.LogError(exception, "Processing message {MessageId} from {Queue} failed unexpectedly (received {DequeueCount} times, poisoned at {Max}); it becomes visible again after its visibility timeout.", message.MessageId, queue.Name, message.DequeueCount, MaxDequeueCount);
            return;
        }

        var poison = _queues.PoisonQueueOf(queue.Name);
        try
        {
            // Same as the Functions host: the message, as it was, goes to its own queue's <queue>-poison, which the
            // inspection tools read (a retired queue's, which PoisonQueueOf does not know, to queue 0's).
            await poison.SendMessageAsync(message.Body, null, StorageNames.NeverExpires, CancellationToken.None).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            _logger.LogError(exception, "Message {MessageId} failed unexpectedly on its receive number {DequeueCount} and was moved to {PoisonQueue}.", message.MessageId, message.DequeueCount, poison.Name);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Message {MessageId} failed on its receive number {DequeueCount} and could not be moved to {PoisonQueue}; it becomes visible again.", message.MessageId, message.DequeueCount, poison.Name);
        }
    }

    // Nothing visible, invisible (in flight, backing off) or delayed: the count includes them all. Unsure counts as not empty.
    private static async Task<bool> IsEmptyAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        try
        {
            return (await queue.GetPropertiesAsync(stoppingToken).ConfigureAwait(false)).Value.ApproximateMessagesCount == 0;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return true; // deleted by an operator
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, stoppingToken) || ex is OperationCanceledException)
        {
            return false;
        }
    }

    private async Task DrainAsync(List<Task> inFlight, TimeSpan grace)
    {
        var pending = inFlight.Where(task => !task.IsCompleted).ToArray();
        if (pending.Length == 0)
        {
            _logger.LogInformation("Delivery worker stopped.");
            return;
        }

        _logger.LogInformation("Delivery worker stopping: waiting up to {Grace} for {Count} in-flight deliveries.", grace, pending.Length);
        try
        {
            await Task.WhenAll(pending).WaitAsync(grace, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Grace period over: abandoning {Count} in-flight deliveries; their messages become visible again.", pending.Count(task => !task.IsCompleted));
            AbandonInFlight();
            await Task.WhenAll(pending).ConfigureAwait(false); // ProcessAsync never throws
        }

        _logger.LogInformation("Delivery worker stopped.");
    }

    private void AbandonInFlight()
    {
        try
        {
            _processing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing is in flight any more.
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Next(TimeSpan idle, TimeSpan max) => idle * 2 < max ? idle * 2 : max;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private readonly record struct PollSettings(int BatchSize, TimeSpan Visibility, TimeSpan MaxIdle);
}
