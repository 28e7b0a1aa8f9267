using Azure.Storage.Queues;
using Webhooks.Configuration;

namespace Webhooks.AzureStorage;

/// <summary>
/// The queues the app uses, named by <see cref="QueueNamesOptions"/>: accepted deliveries (one queue, or
/// <see cref="QueueNamesOptions.Count"/> of them), dead letters, and each delivery queue's poison queue
/// (<c>&lt;queue&gt;-poison</c>, where the Functions host and our poll loop move messages they gave up on).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used; it is not.")]
public sealed class WebhookQueues
{
    /// <summary>The suffix the Functions queue trigger appends for poison messages.</summary>
    public const string PoisonSuffix = StorageNames.PoisonSuffix;

    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly QueueServiceClient _service;
    private readonly QueueNamesOptions _names;
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
        DeliveryQueues = Enumerable.Range(0, names.Count).Select(i => Queue(serviceClient, names.DeliveryQueueName(i))).ToArray();
        PoisonQueues = DeliveryQueues.Select(q => Queue(serviceClient, q.Name + PoisonSuffix)).ToArray();
        DeadLetter = Queue(serviceClient, names.DeadLetter);
        (_service, _names) = (serviceClient, names);
    }

    /// <summary>Accepted deliveries waiting for the worker: delivery queue 0, the only one unless Count is above 1.</summary>
    public QueueClient Deliveries => DeliveryQueues[0];

    /// <summary>Every delivery queue, index 0 first. Intake spreads over them; workers drain them all.</summary>
    public IReadOnlyList<QueueClient> DeliveryQueues { get; }

    /// <summary>Dead-letter records (one queue whatever the number of delivery queues).</summary>
    public QueueClient DeadLetter { get; }

    /// <summary>Queue 0's poison queue.</summary>
    public QueueClient DeliveriesPoison => PoisonQueues[0];

    /// <summary>The poison queue of each delivery queue, in the same order (the Functions host poisons per trigger queue).</summary>
    public IReadOnlyList<QueueClient> PoisonQueues { get; }

    /// <summary>The poison queue of the delivery queue named <paramref name="deliveryQueueName"/> (queue 0's for an unknown name).</summary>
    public QueueClient PoisonQueueOf(string deliveryQueueName)
    {
        for (var i = 0; i < DeliveryQueues.Count; i++)
        {
            if (string.Equals(DeliveryQueues[i].Name, deliveryQueueName, StringComparison.Ordinal))
            {
                return PoisonQueues[i];
            }
        }

        return DeliveriesPoison;
    }

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
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            _created = true;
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>
    /// Delivery queues numbered at or beyond <see cref="QueueNamesOptions.Count"/> (<c>&lt;Deliveries&gt;-n</c>, and
    /// their poison queues) that still hold messages: left behind when the count was lowered. The Kestrel host's
    /// workers drain the delivery queues among them (<see cref="FindRetiredDeliveryQueuesAsync"/>); the Functions app
    /// only while their triggers stay enabled. One listing call, plus a properties call per such queue that exists.
    /// </summary>
    public async Task<IReadOnlyList<(string Queue, int ApproximateMessages)>> FindRetiredWithMessagesAsync(CancellationToken cancellationToken = default)
    {
        // Every name a higher count would have used; anything else under the prefix is active or not ours.
        var retired = Enumerable.Range(_names.Count, QueueNamesOptions.MaxCount - _names.Count)
            .Select(_names.DeliveryQueueName)
            .SelectMany(name => new[] { name, name + PoisonSuffix })
            .ToHashSet(StringComparer.Ordinal);
        var found = new List<(string, int)>();
        await foreach (var queue in _service.GetQueuesAsync(prefix: _names.Deliveries + "-", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!retired.Contains(queue.Name))
            {
                continue;
            }

            var properties = await _service.GetQueueClient(queue.Name).GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            if (properties.Value.ApproximateMessagesCount > 0)
            {
                found.Add((queue.Name, properties.Value.ApproximateMessagesCount));
            }
        }

        return found;
    }

    /// <summary>
    /// The retired delivery queues of <see cref="FindRetiredWithMessagesAsync"/> (not their poison queues), as clients
    /// a worker can drain: intake no longer writes to them, but what they hold was acknowledged.
    /// </summary>
    public async Task<IReadOnlyList<QueueClient>> FindRetiredDeliveryQueuesAsync(CancellationToken cancellationToken = default) =>
        [.. (await FindRetiredWithMessagesAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => !r.Queue.EndsWith(PoisonSuffix, StringComparison.Ordinal))
            .Select(r => _service.GetQueueClient(r.Queue))];

    /// <summary>
    /// The retired poison queues of <see cref="FindRetiredWithMessagesAsync"/>, each with the delivery queue it
    /// belongs to: the dead-letter views import them like the active ones.
    /// </summary>
    public async Task<IReadOnlyList<(QueueClient Poison, QueueClient Origin)>> FindRetiredPoisonQueuesAsync(CancellationToken cancellationToken = default) =>
        [.. (await FindRetiredWithMessagesAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Queue.EndsWith(PoisonSuffix, StringComparison.Ordinal))
            .Select(r => (_service.GetQueueClient(r.Queue), _service.GetQueueClient(r.Queue[..^PoisonSuffix.Length])))];

    private static QueueClient Queue(QueueServiceClient service, string name) =>
        StorageNames.IsValidQueueName(name)
            ? service.GetQueueClient(name)
            : throw new ArgumentException(
                $"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(name));
}
