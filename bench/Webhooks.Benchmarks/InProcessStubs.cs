using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Queuing;

namespace Webhooks.Benchmarks;

/// <summary>A queue that accepts every envelope and keeps none: the engine's work is measured, not the storage call.</summary>
internal sealed class DiscardingQueue : IDeliveryQueue
{
    /// <inheritdoc />
    public int MaxEnvelopeBytes => 48 * 1024;

    /// <inheritdoc />
    public Task EnqueueAsync(DeliveryEnvelope envelope, ReadOnlyMemory<byte> serializedEnvelope, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}

/// <summary>Every id is new: intake's dedup path runs (body hash, claim, confirm) without a blob store.</summary>
internal sealed class AlwaysNewDeduplicator : IDeliveryDeduplicator
{
    /// <inheritdoc />
    public Task<DedupClaim> ClaimAsync(string source, string deliveryId, ReadOnlyMemory<byte> bodySha256, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DedupClaim(DedupVerdict.New, null, new DedupTicket(deliveryId, "1", DedupRecord.Pending(source, deliveryId, bodySha256.Span, receivedAt))));

    /// <inheritdoc />
    public Task ConfirmAsync(DedupTicket ticket, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ReleaseAsync(DedupTicket ticket, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
