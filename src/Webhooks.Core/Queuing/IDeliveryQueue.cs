using Webhooks.Envelopes;

namespace Webhooks.Queuing;

/// <summary>
/// Where intake puts accepted deliveries. Returning means the delivery is durable; any exception means it is not
/// and the caller must not acknowledge it. The seam lets benchmarks swap the queue for an in-process sink.
/// </summary>
public interface IDeliveryQueue
{
    /// <summary>The largest serialized envelope, in bytes, that fits one message; larger ones are refused with 413.</summary>
    int MaxEnvelopeBytes { get; }

    /// <summary>Queues one envelope durably.</summary>
    Task EnqueueAsync(DeliveryEnvelope envelope, ReadOnlyMemory<byte> serializedEnvelope, CancellationToken cancellationToken = default);
}
