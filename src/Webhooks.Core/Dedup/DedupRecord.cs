namespace Webhooks.Dedup;

/// <summary>
/// What is remembered about one provider delivery id of one source (the blob <c>dedup/&lt;source&gt;/&lt;sha256(id)&gt;</c>).
/// </summary>
public sealed class DedupRecord
{
    /// <summary>The record format; bumped only on incompatible change.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The provider's delivery id, as received.</summary>
    public required string DeliveryId { get; set; }

    /// <summary>The source it arrived on.</summary>
    public required string Source { get; set; }

    /// <summary>Lower-case hex SHA-256 of the body first accepted under this id.</summary>
    public required string BodySha256 { get; set; }

    /// <summary>When the first copy was received; the window runs from here.</summary>
    public required DateTimeOffset ReceivedAt { get; set; }

    /// <summary>When the current claimant took the record (equal to <see cref="ReceivedAt"/> unless it was taken over).</summary>
    public required DateTimeOffset ClaimedAt { get; set; }

    /// <summary><see cref="DedupStates.Pending"/> while the claimant is queuing, <see cref="DedupStates.Queued"/> once it is durable.</summary>
    public required string State { get; set; }

    /// <summary>The claim for the first copy of <paramref name="deliveryId"/>, received at <paramref name="receivedAt"/>.</summary>
    public static DedupRecord Pending(string source, string deliveryId, ReadOnlySpan<byte> bodySha256, DateTimeOffset receivedAt) => new()
    {
        DeliveryId = deliveryId,
        Source = source,
        BodySha256 = Convert.ToHexStringLower(bodySha256),
        ReceivedAt = receivedAt,
        ClaimedAt = receivedAt,
        State = DedupStates.Pending,
    };

    /// <summary>A copy of this record in state <see cref="DedupStates.Queued"/>.</summary>
    public DedupRecord AsQueued() => new()
    {
        Version = Version,
        DeliveryId = DeliveryId,
        Source = Source,
        BodySha256 = BodySha256,
        ReceivedAt = ReceivedAt,
        ClaimedAt = ClaimedAt,
        State = DedupStates.Queued,
    };
}

/// <summary>The states of a <see cref="DedupRecord"/>.</summary>
public static class DedupStates
{
    /// <summary>Claimed by a request that has not confirmed the delivery is queued.</summary>
    public const string Pending = "pending";

    /// <summary>The delivery is durably queued and was acknowledged.</summary>
    public const string Queued = "queued";
}
