namespace Webhooks.Intake;

/// <summary>
/// An incoming delivery as the engine sees it, free of any host's HTTP types, so the ASP.NET Core host, the
/// Functions adapter and tests all hand the engine the same thing.
/// </summary>
public sealed class IntakeRequest
{
    /// <summary>The HTTP method, upper case.</summary>
    public required string Method { get; init; }

    /// <summary>The <c>{source}</c> route value.</summary>
    public required string Source { get; init; }

    /// <summary>The request path, for problem bodies (<c>instance</c>, <c>path</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The request headers.</summary>
    public required IRequestHeaders Headers { get; init; }

    /// <summary>Query string values (Graph's <c>validationToken</c>).</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body stream; read at most once, never beyond the source's limit.</summary>
    public required Stream Body { get; init; }

    /// <summary>The declared Content-Length, if any (checked before reading).</summary>
    public long? ContentLength { get; init; }

    /// <summary>The trace id for problem bodies and logs.</summary>
    public string? TraceId { get; init; }
}

/// <summary>Read-only access to request headers, case-insensitive by name.</summary>
public interface IRequestHeaders
{
    /// <summary>All values of a header (comma-joined if it came more than once), or null when absent.</summary>
    string? this[string name] { get; }

    /// <summary>How many times the header appeared.</summary>
    int Count(string name);

    /// <summary>The names present.</summary>
    IEnumerable<string> Names { get; }
}

/// <summary>Headers held in a dictionary: for tests and hosts that already have one.</summary>
public sealed class DictionaryRequestHeaders : IRequestHeaders
{
    private readonly Dictionary<string, string[]> _values;

    /// <summary>Copies single-valued headers.</summary>
    public DictionaryRequestHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        _values = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            _values[name] = _values.TryGetValue(name, out var existing) ? [.. existing, value] : [value];
        }
    }

    /// <inheritdoc />
    public string? this[string name] => _values.TryGetValue(name, out var v) ? string.Join(",", v) : null;

    /// <inheritdoc />
    public int Count(string name) => _values.TryGetValue(name, out var v) ? v.Length : 0;

    /// <inheritdoc />
    public IEnumerable<string> Names => _values.Keys;
}
