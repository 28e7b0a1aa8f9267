namespace Webhooks.DeadLetters;

/// <summary>One page of matching entries, newest first.</summary>
/// <param name="Total">
/// How many entries matched in all, when known without reading them (the index's counters answer it for no filter
/// or a source filter); null otherwise — then <see cref="HasMore"/> says whether more exist.
/// </param>
/// <param name="Skip">How many matching entries came before this page (0 when paging by continuation token).</param>
/// <param name="Take">The page size asked for.</param>
/// <param name="Items">The page's entries (summaries; use <see cref="DeadLetterStore.GetAsync"/> for the full record).</param>
public sealed record DeadLetterPage(int? Total, int Skip, int Take, IReadOnlyList<DeadLetterSummary> Items)
{
    /// <summary>Pass back (<c>--continue</c>, <c>continue=</c>) for the next page; null on the last page.</summary>
    public string? Continuation { get; init; }

    /// <summary>True when more matching entries exist after this page.</summary>
    public bool HasMore { get; init; }
}
