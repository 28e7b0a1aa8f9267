using Azure;
using Webhooks.AzureStorage;
using Webhooks.Envelopes;

namespace Webhooks.Queuing;

/// <summary>
/// Puts envelopes on the delivery queues: one queue, or <c>Webhooks:Queues:Count</c> of them chosen by the
/// envelope's partition key (round-robin without one). Messages never expire (TTL -1): a delivery leaves the
/// queue only by being delivered or dead-lettered, never by silently timing out.
/// </summary>
public sealed class StorageDeliveryQueue(WebhookQueues queues) : IDeliveryQueue
{
    private readonly QueuePartitioner _partitioner = new();

    /// <summary>A message holds 64 KiB of base64 text, i.e. 48 KiB of envelope bytes.</summary>
    public int MaxEnvelopeBytes => StorageNames.MaxMessagePayloadBytes;

    /// <inheritdoc />
    public async Task EnqueueAsync(DeliveryEnvelope envelope, ReadOnlyMemory<byte> serializedEnvelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await queues.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var queue = queues.DeliveryQueues[_partitioner.Choose(envelope.PartitionKey, queues.DeliveryQueues.Count)];
        var message = new BinaryData(serializedEnvelope);
        Diagnostics.IntakeTelemetry.Queued(queue.Name);
        try
        {
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: StorageNames.NeverExpires, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Someone deleted the queue under us: create it again and retry once.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: StorageNames.NeverExpires, cancellationToken).ConfigureAwait(false);
        }
    }
}
