using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Storage;

namespace Webhooks.Delivery;

/// <summary>
/// The poll loop for hosts without the Functions queue trigger, with the trigger's semantics: batches of up to
/// <see cref="DeliveryOptions.BatchSize"/> (≤ 32) hidden for <see cref="DeliveryOptions.VisibilityTimeout"/>, at
/// most <see cref="DeliveryOptions.MaxConcurrency"/> deliveries at once, polling that backs off from 100 ms to
/// <see cref="DeliveryOptions.MaxPollingInterval"/> while the queue is empty or storage is down, and poison
/// handling after <see cref="MaxUnexpectedFailures"/> unexpected failures of one message. With several delivery
/// queues (<c>Webhooks:Queues:Count</c>) there is one loop per queue, all sharing the concurrency limit.
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

    /// <summary>Unexpected failures of one message, in this process, before it is moved to the poison queue (as the Functions host does).</summary>
    public const int MaxUnexpectedFailures = 5;

    private const int MaxTrackedFailures = 10_000;

    private readonly WebhookQueues _queues;
    private readonly DeliveryProcessor _processor;
    private readonly IOptions<WebhooksOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly CancellationTokenSource _processing = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

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
        var batchSize = Math.Clamp(delivery.BatchSize, 1, QueueClient.MaxMessagesPerCall);
        var concurrency = Math.Max(delivery.MaxConcurrency, 1);
        var visibility = Clamp(delivery.VisibilityTimeout, TimeSpan.FromSeconds(1), QueueClient.MaxVisibilityTimeout);
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
        var inFlight = await Task.WhenAll(_queues.DeliveryQueues.Select(queue => PollAsync(queue, slots, loop, stoppingToken))).ConfigureAwait(false);

        await DrainAsync([.. inFlight.SelectMany(tasks => tasks)], delivery.ShutdownGracePeriod).ConfigureAwait(false);
    }

    // Receives from one queue until stopping; returns the deliveries still in flight.
    private async Task<List<Task>> PollAsync(QueueClient queue, SemaphoreSlim slots, PollSettings settings, CancellationToken stoppingToken)
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

            IReadOnlyList<QueueMessage> messages;
            try
            {
                await _queues.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                messages = await queue.ReceiveMessagesAsync(free, visibility, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                slots.Release(free);
                break;
            }
            catch (Exception ex)
            {
                slots.Release(free);
                _logger.LogWarning("Cannot receive from {Queue} ({Error}); trying again in {Delay}.", queue.Name, ex.Message, idle);
                if (!await DelayAsync(idle, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }

                idle = Next(idle, maxIdle);
                continue;
            }

            if (messages.Count < free)
            {
                slots.Release(free - messages.Count);
            }

            if (messages.Count == 0)
            {
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
            _failures.TryRemove(message.MessageId, out _);
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
        if (_failures.Count > MaxTrackedFailures)
        {
            _failures.Clear();
        }

        var failures = _failures.AddOrUpdate(message.MessageId, 1, (_, count) => count + 1);
        if (failures < MaxUnexpectedFailures)
        {
            _logger.LogError(exception, "Processing message {MessageId} failed unexpectedly ({Failures} of {Max}); it becomes visible again after its visibility timeout.", message.MessageId, failures, MaxUnexpectedFailures);
            return;
        }

        try
        {
            // Same as the Functions host: the message, as it was, goes to <queue>-poison, which the inspection tools read.
            await _queues.DeliveriesPoison.SendMessageAsync(message.Body.ToMemory(), null, Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            _failures.TryRemove(message.MessageId, out _);
            _logger.LogError(exception, "Message {MessageId} failed {Failures} times unexpectedly and was moved to {PoisonQueue}.", message.MessageId, failures, _queues.DeliveriesPoison.Name);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Message {MessageId} failed {Failures} times and could not be moved to the poison queue; it becomes visible again.", message.MessageId, failures);
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
