namespace Webhooks.Delivery.Routing;

/// <summary>
/// A destination's compiled <c>Filter</c>: every entry must match. An entry selects a dotted JSON path into the body
/// or <c>header:&lt;Name&gt;</c> (one of the request headers intake kept, name case-insensitive) and matches an exact
/// value, any of a comma-separated list, or a prefix ending in <c>*</c> (<c>*</c> alone: any value present).
/// </summary>
/// <remarks>
/// JSON strings compare by their text, numbers and booleans by their JSON text (<c>42</c>, <c>1.5</c>, <c>true</c>);
/// null, arrays and objects never match a value, nor does a missing path (<see cref="JsonFields"/> reads them). Comparison is ordinal. A body that is not
/// JSON matches no path entry, so only header-only filters can take it. Immutable and thread-safe.
/// </remarks>
public sealed class DestinationFilter
{
    private const string HeaderPrefix = "header:";

    private readonly Entry[] _entries;

    private DestinationFilter(Entry[] entries) => _entries = entries;

    /// <summary>The empty filter: takes every delivery.</summary>
    public static DestinationFilter Everything { get; } = new([]);

    /// <summary>True when there is nothing to check: every delivery matches.</summary>
    public bool MatchesEverything => _entries.Length == 0;

    /// <summary>True when an entry looks into the body, so the body must be read to decide.</summary>
    public bool NeedsBody => _entries.Any(e => e.Path is not null);

    /// <summary>
    /// One line for listings: <c>everything</c>, else each entry as <c>selector=values</c> joined by "; "
    /// (a refused entry shows <c>selector=(invalid)</c>: it takes nothing).
    /// </summary>
    public string Summary => MatchesEverything
        ? "everything"
        : string.Join("; ", _entries.Select(e => $"{(e.Header is { } name ? HeaderPrefix + name : string.Join('.', e.Path!))}={(e.Items.Length == 0 ? "(invalid)" : string.Join(',', e.Items))}"));

    /// <summary>The body paths the entries look at (dotted paths split into steps).</summary>
    public IEnumerable<string[]> Paths => _entries.Where(e => e.Path is not null).Select(e => e.Path!);

    /// <summary>What is wrong with each bad entry, as "<c>&lt;key&gt;</c> …" phrases; empty when every entry is usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string>? filter)
    {
        var problems = new List<string>();
        foreach (var (key, value) in filter ?? new Dictionary<string, string>())
        {
            if (SelectorProblem(key) is { } selector)
            {
                problems.Add($"{key} {selector}");
            }

            if (PatternProblem(value) is { } pattern)
            {
                problems.Add($"{key} {pattern}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Compiles <paramref name="filter"/>. Entries <see cref="Validate"/> refuses (the app does not start with them)
    /// compile to entries that never match, so a bad filter takes nothing rather than everything.
    /// </summary>
    public static DestinationFilter Compile(IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return Everything;
        }

        var entries = new List<Entry>(filter.Count);
        foreach (var (key, value) in filter)
        {
            var broken = SelectorProblem(key) is not null || PatternProblem(value) is not null;
            var items = broken ? [] : value.Split(',', StringSplitOptions.TrimEntries);
            var header = key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) ? key[HeaderPrefix.Length..].Trim() : null;
            entries.Add(new Entry(header is null ? key.Split('.') : null, header, items));
        }

        return new DestinationFilter([.. entries]);
    }

    /// <summary>
    /// Whether a delivery matches: <paramref name="body"/> holds the values at <see cref="Paths"/> (null: the body is
    /// not JSON, or was not read), <paramref name="headers"/> the request headers intake kept.
    /// </summary>
    public bool Matches(JsonFields? body, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var entry in _entries)
        {
            var text = entry.Header is { } name
                ? HeaderValue(headers, name)
                : body?[entry.Path!];
            if (text is null || !entry.IsMatch(text))
            {
                return false;
            }
        }

        return true;
    }

    private static string? SelectorProblem(string key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return "needs a dotted JSON path (data.object.status) or header:<Name>";
        }

        if (key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = key[HeaderPrefix.Length..].Trim();
            return name.Length == 0 || !name.All(c => c > ' ' && c < 0x7F && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
                ? "needs a header name after header: (header:X-GitHub-Event)"
                : null;
        }

        return key.Split('.').Any(segment => segment.Length == 0)
            ? "must be a dotted JSON path such as data.object.status (no empty segments)"
            : null;
    }

    private static string? PatternProblem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "needs a value: an exact value, a comma-separated list or a prefix ending in *";
        }

        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (item.Length == 0)
            {
                return $"'{value}' has an empty item in its list";
            }

            if (item.IndexOf('*', StringComparison.Ordinal) is >= 0 and var star && star != item.Length - 1)
            {
                return $"'{value}' may use * only at the end of a value, as a prefix (invoice.*)";
            }
        }

        return null;
    }

    private static string? HeaderValue(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        // Envelope headers are case-insensitive already; a plain dictionary from elsewhere may not be.
        foreach (var (key, candidate) in headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    // Items: exact values, or prefixes when they end in '*'. No items: a refused entry, which never matches.
    private sealed record Entry(string[]? Path, string? Header, string[] Items)
    {
        public bool IsMatch(string text)
        {
            foreach (var item in Items)
            {
                var matched = item.EndsWith('*')
                    ? text.StartsWith(item.AsSpan(0, item.Length - 1), StringComparison.Ordinal)
                    : text.Equals(item, StringComparison.Ordinal);
                if (matched)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
