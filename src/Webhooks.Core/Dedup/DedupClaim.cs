namespace Webhooks.Dedup;

/// <summary>What duplicate detection says about one delivery.</summary>
public enum DedupVerdict
{
    /// <summary>First time (or the earlier record expired or was abandoned): this request now owns the id; queue it, then confirm.</summary>
    New,

    /// <summary>Already queued with the same body: answer 200 <c>duplicate</c>, queue nothing.</summary>
    Duplicate,

    /// <summary>Already seen with a different body: answer 409 <c>duplicateDeliveryConflict</c>.</summary>
    Conflict,

    /// <summary>Another request with the same id and body is being queued right now: answer 503 so the provider retries.</summary>
    InProgress,
}

/// <summary>The answer of <see cref="IDeliveryDeduplicator.ClaimAsync"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Original">The record found, for duplicates, conflicts and claims in progress.</param>
/// <param name="Ticket">For <see cref="DedupVerdict.New"/>: what <see cref="IDeliveryDeduplicator.ConfirmAsync"/> and <see cref="IDeliveryDeduplicator.ReleaseAsync"/> need; null when nothing was recorded.</param>
public sealed record DedupClaim(DedupVerdict Verdict, DedupRecord? Original, DedupTicket? Ticket)
{
    /// <summary>New, with nothing recorded (detection off, or no provider id to key on).</summary>
    public static DedupClaim Untracked { get; } = new(DedupVerdict.New, null, null);
}

/// <summary>Proof of a claim: the record as written and its ETag, so only the claimant confirms or releases it.</summary>
public sealed record DedupTicket(string BlobName, string ETag, DedupRecord Record);
