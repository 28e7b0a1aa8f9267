using Webhooks.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// The queues the app uses, named by <see cref="QueueNamesOptions"/>: accepted deliveries (one queue, or
/// <see cref="QueueNamesOptions.Count"/> of them), dead letters, and the deliveries' poison queues
/// (<c>&lt;deliveries&gt;-poison</c>, where the Functions host moves messages it gave up on).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used; it is not.")]
public sealed class WebhookQueues
{
    /// <summary>The suffix the Functions queue trigger appends for poison messages.</summary>
    public const string PoisonSuffix = "-poison";

    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    /// <summary>Clients for the configured queue names; no network call is made.</summary>
    /// <exception cref="ArgumentException">A configured name breaks the service's naming rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="QueueNamesOptions.Count"/> is out of range.</exception>
    public WebhookQueues(QueueServiceClient serviceClient, QueueNamesOptions names)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfLessThan(names.Count, 1, nameof(names));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(names.Count, QueueNamesOptions.MaxCount, nameof(names));
        DeliveryQueues = Enumerable.Range(0, names.Count).Select(i => serviceClient.GetQueueClient(names.DeliveryQueueName(i))).ToArray();
        PoisonQueues = DeliveryQueues.Select(q => serviceClient.GetQueueClient(q.Name + PoisonSuffix)).ToArray();
        DeadLetter = serviceClient.GetQueueClient(names.DeadLetter);
    }

    /// <summary>Accepted deliveries waiting for the worker: delivery queue 0, the only one unless Count is above 1.</summary>
    public QueueClient Deliveries => DeliveryQueues[0];

    /// <summary>Every delivery queue, index 0 first. Intake spreads over them; workers drain them all.</summary>
    public IReadOnlyList<QueueClient> DeliveryQueues { get; }

    /// <summary>Dead-letter records (one queue whatever the number of delivery queues).</summary>
    public QueueClient DeadLetter { get; }

    /// <summary>Deliveries the Functions host gave up on from queue 0 (its poison-queue convention); our poll loop also moves poison here.</summary>
    public QueueClient DeliveriesPoison => PoisonQueues[0];

    /// <summary>The poison queue of each delivery queue, in the same order (the Functions host poisons per trigger queue).</summary>
    public IReadOnlyList<QueueClient> PoisonQueues { get; }

    /// <summary>
    /// Creates every queue if needed. Runs once: later calls return at once; after a failure the next call tries
    /// again. Concurrent callers wait for the same attempt.
    /// </summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created)
            {
                return;
            }

            foreach (var queue in DeliveryQueues.Append(DeadLetter).Concat(PoisonQueues))
            {
                await queue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            }

            _created = true;
        }
        finally
        {
            _createGate.Release();
        }
    }
}
