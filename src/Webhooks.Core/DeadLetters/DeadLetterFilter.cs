namespace Webhooks.DeadLetters;

/// <summary>
/// Which dead-letter entries an operation applies to. Every criterion that is set must match; an empty filter
/// matches everything. Text criteria compare case-insensitively.
/// </summary>
public sealed record DeadLetterFilter
{
    /// <summary>An empty filter: matches every entry.</summary>
    public static DeadLetterFilter None { get; } = new();

    /// <summary>The source name the delivery arrived on.</summary>
    public string? Source { get; init; }

    /// <summary>The destination the message was for (entries without one never match).</summary>
    public string? Destination { get; init; }

    /// <summary>One of <see cref="Envelopes.DeadLetterReasons"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>The target's final HTTP status.</summary>
    public int? Status { get; init; }

    /// <summary>The target's parsed <c>errorCode</c> (seed 004) or problem type.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Dead-lettered at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Dead-lettered before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only messages the Functions host poisoned (the <c>-poison</c> queue).</summary>
    public bool PoisonedOnly { get; init; }

    /// <summary>True when no criterion is set.</summary>
    public bool IsEmpty => this == None;

    /// <summary>Whether <paramref name="entry"/> satisfies every criterion that is set.</summary>
    public bool Matches(DeadLetterSummary entry) =>
        (Source is null || string.Equals(Source, entry.Source, StringComparison.OrdinalIgnoreCase))
        && (Destination is null || string.Equals(Destination, entry.Destination, StringComparison.OrdinalIgnoreCase))
        && (Reason is null || string.Equals(Reason, entry.Reason, StringComparison.OrdinalIgnoreCase))
        && (Status is null || Status == entry.Status)
        && (ErrorCode is null || string.Equals(ErrorCode, entry.ErrorCode, StringComparison.OrdinalIgnoreCase))
        && (From is null || entry.DeadLetteredAt >= From)
        && (To is null || entry.DeadLetteredAt < To)
        && (!PoisonedOnly || entry.Poisoned);

    /// <summary>
    /// Whether entries of the host's poison queue can match at all, so a scan can leave that queue alone
    /// (poisoned entries always have reason <c>hostPoisoned</c> and no target status).
    /// </summary>
    internal bool CanMatchPoisoned =>
        (Reason is null || string.Equals(Reason, Envelopes.DeadLetterReasons.HostPoisoned, StringComparison.OrdinalIgnoreCase))
        && Status is null
        && ErrorCode is null;
}
