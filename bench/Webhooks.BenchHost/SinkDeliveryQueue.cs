using Webhooks.Envelopes;
using Webhooks.Queuing;
using Webhooks.AzureStorage;

namespace Webhooks.BenchHost;

/// <summary>Accepts every envelope at once and keeps only a count: the intake pipeline without storage.</summary>
internal sealed class SinkDeliveryQueue : IDeliveryQueue
{
    private long _count;

    /// <summary>The same limit as the storage queue, so the same 413 checks run.</summary>
    public int MaxEnvelopeBytes => StorageNames.MaxMessagePayloadBytes;

    /// <summary>Envelopes accepted so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public Task EnqueueAsync(DeliveryEnvelope envelope, ReadOnlyMemory<byte> serializedEnvelope, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }
}
