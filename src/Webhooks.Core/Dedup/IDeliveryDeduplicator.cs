namespace Webhooks.Dedup;

/// <summary>
/// Durable duplicate detection shared by every intake instance. Intake claims a (source, delivery id) before it
/// queues, confirms once the delivery is durable, and releases the claim when queuing failed (so the provider's
/// retry is queued).
/// </summary>
public interface IDeliveryDeduplicator
{
    /// <summary>Claims <paramref name="deliveryId"/> for <paramref name="source"/>, or reports what is already known about it.</summary>
    /// <param name="source">The configured source name.</param>
    /// <param name="deliveryId">The provider's delivery id.</param>
    /// <param name="bodySha256">SHA-256 of the raw body (32 bytes).</param>
    /// <param name="receivedAt">When this copy arrived.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <exception cref="Azure.RequestFailedException">Storage is unavailable; nothing may be acknowledged.</exception>
    Task<DedupClaim> ClaimAsync(string source, string deliveryId, ReadOnlyMemory<byte> bodySha256, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed delivery as durably queued, so later copies are answered as duplicates.</summary>
    Task ConfirmAsync(DedupTicket ticket, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim up (queuing failed): the id counts as unseen again. Only deletes the record if it is still this claim.</summary>
    Task ReleaseAsync(DedupTicket ticket, CancellationToken cancellationToken = default);
}
