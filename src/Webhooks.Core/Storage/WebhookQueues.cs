using Webhooks.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// The queues the app uses, named by <see cref="QueueNamesOptions"/>: accepted deliveries, dead letters, and the
/// deliveries' poison queue (<c>&lt;deliveries&gt;-poison</c>, where the Functions host moves messages it gave up on).
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
    public WebhookQueues(QueueServiceClient serviceClient, QueueNamesOptions names)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        ArgumentNullException.ThrowIfNull(names);
        Deliveries = serviceClient.GetQueueClient(names.Deliveries);
        DeadLetter = serviceClient.GetQueueClient(names.DeadLetter);
        DeliveriesPoison = serviceClient.GetQueueClient(names.Deliveries + PoisonSuffix);
    }

    /// <summary>Accepted deliveries waiting for the worker.</summary>
    public QueueClient Deliveries { get; }

    /// <summary>Dead-letter records.</summary>
    public QueueClient DeadLetter { get; }

    /// <summary>Deliveries the Functions host gave up on (its poison-queue convention).</summary>
    public QueueClient DeliveriesPoison { get; }

    /// <summary>
    /// Creates the three queues if needed. Runs once: later calls return at once; after a failure the next call
    /// tries again. Concurrent callers wait for the same attempt.
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

            await Deliveries.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await DeadLetter.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await DeliveriesPoison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _createGate.Release();
        }
    }
}
