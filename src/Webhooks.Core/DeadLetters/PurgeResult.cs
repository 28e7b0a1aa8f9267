namespace Webhooks.DeadLetters;

/// <summary>What a purge deleted.</summary>
/// <param name="Matched">Entries selected.</param>
/// <param name="Deleted">Entries deleted.</param>
/// <param name="Failures">Entries that could not be deleted (another reader took them, or the service failed), with why.</param>
public sealed record PurgeResult(int Matched, int Deleted, IReadOnlyList<ReplayItem> Failures)
{
    /// <summary>Claim-check body blobs deleted with their purged entries.</summary>
    public int PayloadsDeleted { get; init; }

    /// <summary>
    /// Purged entries whose claim-check body blob could not be deleted, with why. The entry is gone regardless; the
    /// payload container's lifecycle rule removes the blob later.
    /// </summary>
    public IReadOnlyList<ReplayItem> PayloadFailures { get; init; } = [];

    /// <summary>Set when the call stopped at its <see cref="DeadLetterBudget"/>: pass it back to go on. Null when done.</summary>
    public string? Continuation { get; init; }

    /// <summary>True when nothing of the selection was left for a later call.</summary>
    public bool Complete => Continuation is null;
}
