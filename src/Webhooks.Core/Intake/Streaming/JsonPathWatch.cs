using System.Text.Json;

namespace Webhooks.Intake.Streaming;

/// <summary>What a streamed JSON value at a watched path turned out to be.</summary>
/// <param name="Kind">Its JSON kind.</param>
/// <param name="IsInt64">For numbers: whether it reads as a 64-bit integer (as <see cref="JsonElement.TryGetInt64"/> would).</param>
/// <param name="Text">For strings: the unescaped value; for numbers: the literal; null when too long to keep or not a scalar.</param>
internal readonly record struct JsonObservation(JsonValueKind Kind, bool IsInt64, string? Text);

/// <summary>
/// The few dotted paths (<c>data.id</c>) a streamed body is watched for, and what was seen there, with the same
/// meaning as resolving them on a parsed document: the last duplicate property wins, and a later value of a parent
/// replaces everything seen beneath it. The first value seen at each path is kept too (provider id extraction
/// takes the first top-level match).
/// </summary>
internal sealed class JsonPathWatch
{
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObservation> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObservation> _first = new(StringComparer.Ordinal);

    /// <summary>Watches <paramref name="paths"/> (empty or blank ones are ignored).</summary>
    public JsonPathWatch(IEnumerable<string> paths)
    {
        foreach (var path in paths.Where(p => !string.IsNullOrEmpty(p)))
        {
            _watched.Add(path);
            _prefixes.Add(string.Empty);
            for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = path.IndexOf('.', dot + 1))
            {
                _prefixes.Add(path[..dot]);
            }
        }
    }

    /// <summary>True when <paramref name="path"/> is watched itself.</summary>
    public bool IsWatched(string path) => _watched.Contains(path);

    /// <summary>True when some watched path lies beneath <paramref name="path"/> (the root is <c>""</c>).</summary>
    public bool IsPrefix(string path) => _prefixes.Contains(path);

    /// <summary>True when a value at <paramref name="path"/> needs tracking at all.</summary>
    public bool Matters(string path) => _watched.Contains(path) || _prefixes.Contains(path);

    /// <summary>A value starts at <paramref name="path"/>: whatever was seen beneath an earlier value there no longer counts.</summary>
    public void OnValueStart(string path)
    {
        if (_last.Count == 0 || !_prefixes.Contains(path))
        {
            return;
        }

        var beneath = path + ".";
        foreach (var key in _last.Keys.Where(k => k.StartsWith(beneath, StringComparison.Ordinal)).ToList())
        {
            _last.Remove(key);
        }
    }

    /// <summary>Records the value at a watched <paramref name="path"/>.</summary>
    public void Observe(string path, JsonObservation observation)
    {
        _last[path] = observation;
        _first.TryAdd(path, observation);
    }

    /// <summary>The value that counts at <paramref name="path"/>, or null when there is none.</summary>
    public JsonObservation? Last(string path) => _last.TryGetValue(path, out var seen) ? seen : null;

    /// <summary>The first value seen at <paramref name="path"/>, or null.</summary>
    public JsonObservation? First(string path) => _first.TryGetValue(path, out var seen) ? seen : null;
}
