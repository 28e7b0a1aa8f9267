namespace Webhooks.DeadLetters;

/// <summary>What a purge deleted.</summary>
/// <param name="Matched">Entries selected.</param>
/// <param name="Deleted">Entries deleted.</param>
/// <param name="Failures">Entries that could not be deleted (another reader took them, or the service failed), with why.</param>
public sealed record PurgeResult(int Matched, int Deleted, IReadOnlyList<ReplayItem> Failures);
