namespace Webhooks.DeadLetters;

/// <summary>What a replay did, entry by entry.</summary>
/// <param name="DryRun">True when nothing was moved.</param>
/// <param name="Items">One line per selected entry, newest first.</param>
public sealed record ReplayResult(bool DryRun, IReadOnlyList<ReplayItem> Items)
{
    /// <summary>
    /// Set when the call stopped at its <see cref="DeadLetterBudget"/> with entries possibly left: pass it back as
    /// <see cref="DeadLetterBudget.Continuation"/> to go on. Null when the selection was handled to its end.
    /// </summary>
    public string? Continuation { get; init; }

    /// <summary>True when nothing of the selection was left for a later call.</summary>
    public bool Complete => Continuation is null;

    /// <summary>How many entries were selected.</summary>
    public int Matched => Items.Count;

    /// <summary>How many were put back on the deliveries queue (including those whose record could not be deleted).</summary>
    public int Replayed => Items.Count(i => i.Outcome is ReplayOutcomes.Replayed or ReplayOutcomes.RecordKept);

    /// <summary>How many were not moved: failed or skipped.</summary>
    public int Failed => Items.Count(i => i.Outcome is ReplayOutcomes.Failed or ReplayOutcomes.Skipped);

    /// <summary>How many were queued again but whose dead-letter entry could not be deleted (they would duplicate if replayed again).</summary>
    public int RecordsKept => Items.Count(i => i.Outcome == ReplayOutcomes.RecordKept);

    /// <summary>
    /// How many extra copies the replay may have queued: sends whose answer was lost (a timeout, a dropped connection)
    /// before the SDK tried again, counted exactly. Each may or may not have landed (a queue cannot be asked); the
    /// delivery id is the same, so a target that honours <c>Idempotency-Key</c> ignores the copies.
    /// </summary>
    public int PossibleDuplicates => Items.Sum(i => i.PossibleDuplicates ?? 0);

    /// <summary>True when every selected entry was replayed (or, in a dry run, would be) and removed.</summary>
    public bool Succeeded => Items.All(i => i.Outcome is ReplayOutcomes.Replayed or ReplayOutcomes.WouldReplay);
}

/// <summary>One replayed (or not) entry.</summary>
/// <param name="Id">The delivery id.</param>
/// <param name="MessageId">The dead-letter (or poison) queue message id.</param>
/// <param name="Source">The source, when known.</param>
/// <param name="Poisoned">Whether it came from the host's poison queue.</param>
/// <param name="Outcome">One of <see cref="ReplayOutcomes"/>.</param>
/// <param name="Detail">Why it failed or was skipped.</param>
public sealed record ReplayItem(string Id, string MessageId, string? Source, bool Poisoned, string Outcome, string? Detail = null)
{
    /// <summary>The destination it was (or, in a dry run, would be) queued for; null: fanned out again to every matching one.</summary>
    public string? Destination { get; init; }

    /// <summary>Sends of this entry whose answer was lost before a retry: copies that may be on the queue besides the one replayed; null for none.</summary>
    public int? PossibleDuplicates { get; init; }
}

/// <summary>The outcomes of replaying one entry.</summary>
public static class ReplayOutcomes
{
    /// <summary>Queued again on the deliveries queue, and the dead-letter entry deleted.</summary>
    public const string Replayed = "replayed";

    /// <summary>Dry run: it would have been replayed.</summary>
    public const string WouldReplay = "wouldReplay";

    /// <summary>Queued again, but the entry could not be deleted afterwards: it is still there (replaying it again duplicates).</summary>
    public const string RecordKept = "recordKept";

    /// <summary>Nothing moved: the entry holds no envelope (an unreadable message).</summary>
    public const string Skipped = "skipped";

    /// <summary>Nothing moved: queuing the replacement failed, or another reader took the entry first. The entry is kept.</summary>
    public const string Failed = "failed";
}
