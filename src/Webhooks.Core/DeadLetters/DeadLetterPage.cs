namespace Webhooks.DeadLetters;

/// <summary>One page of matching entries, newest first.</summary>
/// <param name="Total">How many entries matched in all.</param>
/// <param name="Skip">How many matching entries came before this page.</param>
/// <param name="Take">The page size asked for.</param>
/// <param name="Items">The page's entries (summaries; use <see cref="DeadLetterStore.GetAsync"/> for the full record).</param>
public sealed record DeadLetterPage(int Total, int Skip, int Take, IReadOnlyList<DeadLetterSummary> Items);
