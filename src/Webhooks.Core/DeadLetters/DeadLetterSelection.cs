namespace Webhooks.DeadLetters;

/// <summary>
/// What a replay or purge acts on: explicit ids, or everything matching a filter. Acting on every entry must be
/// asked for with <see cref="All"/>, so an empty selection never means "everything" by accident.
/// </summary>
public sealed record DeadLetterSelection
{
    /// <summary>Delivery ids or queue message ids; when non-empty only these are selected (and the filter must match too).</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>Criteria every selected entry must meet.</summary>
    public DeadLetterFilter Filter { get; init; } = DeadLetterFilter.None;

    /// <summary>Select every entry matching <see cref="Filter"/> when no ids are given.</summary>
    public bool All { get; init; }

    /// <summary>The entries with these delivery or message ids.</summary>
    public static DeadLetterSelection ByIds(params IEnumerable<string> ids) => new() { Ids = [.. ids] };

    /// <summary>Every entry matching <paramref name="filter"/>.</summary>
    public static DeadLetterSelection Matching(DeadLetterFilter filter) => new() { Filter = filter, All = true };

    /// <summary>Throws unless ids are given or <see cref="All"/> is set.</summary>
    internal void EnsureBounded()
    {
        if (Ids.Count == 0 && !All)
        {
            throw new ArgumentException("Name the entries to act on, or set All to act on every entry matching the filter.");
        }
    }

    internal bool Matches(DeadLetterSummary entry) =>
        Filter.Matches(entry)
        && (Ids.Count == 0 || Ids.Any(id => string.Equals(id, entry.Id, StringComparison.Ordinal) || string.Equals(id, entry.MessageId, StringComparison.Ordinal)));
}
