using System.Globalization;
using Microsoft.AspNetCore.Http;
using Webhooks.DeadLetters;

namespace Webhooks.Hosting;

/// <summary>
/// Reads the admin API's query parameters; every value that cannot be read, and every key the endpoint does not
/// take (a typo such as <c>sorce=</c> must not widen a purge to everything), becomes a field error (400), never a 500.
/// </summary>
internal sealed class AdminQuery
{
    public const int DefaultTake = 50;
    public const int MaxTake = 1000;

    /// <summary>The dead-letter filters, shared by list and purge (and by the replay body).</summary>
    public static readonly string[] FilterKeys = ["source", "destination", "reason", "status", "errorCode", "from", "to", "poisoned"];

    // Longest unknown key quoted back in an error.
    private const int MaxQuotedKey = 64;

    private readonly IQueryCollection _query;

    /// <summary>Reads <paramref name="query"/> for an endpoint that takes only the keys in <paramref name="allowed"/>.</summary>
    public AdminQuery(IQueryCollection query, params string[] allowed)
    {
        _query = query;
        foreach (var (field, messages) in UnknownKeys(query.Keys, allowed, StringComparer.OrdinalIgnoreCase, "parameter"))
        {
            Errors[field] = messages;
        }
    }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>An error for each of <paramref name="given"/> not in <paramref name="allowed"/>, naming the ones that are.</summary>
    public static IEnumerable<KeyValuePair<string, string[]>> UnknownKeys(IEnumerable<string> given, IReadOnlyCollection<string> allowed, StringComparer comparer, string kind)
    {
        var takes = allowed.Count == 0 ? $"this endpoint takes no {kind}s" : $"this endpoint takes {string.Join(", ", allowed)}";
        foreach (var key in given.Where(k => !allowed.Contains(k, comparer)))
        {
            var quoted = key.Length > MaxQuotedKey ? key[..MaxQuotedKey] + "…" : key;
            yield return new(quoted, [$"Unknown {kind} '{quoted}'; {takes}."]);
        }
    }

    /// <summary>source, destination, reason, status, errorCode, from, to, poisoned.</summary>
    public DeadLetterFilter Filter() => new()
    {
        Source = Text("source"),
        Destination = Text("destination"),
        Reason = Text("reason"),
        Status = Int("status", 100, 599),
        ErrorCode = Text("errorCode"),
        From = Time("from"),
        To = Time("to"),
        PoisonedOnly = Bool("poisoned") ?? false,
    };

    public int Skip() => Int("skip", 0, int.MaxValue) ?? 0;

    public int Take() => Int("take", 1, MaxTake) ?? DefaultTake;

    /// <summary>The page size: <c>limit</c>, or its older name <c>take</c>.</summary>
    public int Limit() => Int("limit", 1, MaxTake) ?? Take();

    /// <summary>The previous page's continuation token (<c>continue</c>).</summary>
    public string? Continuation() => Text("continue");

    /// <summary>Most entries one purge call deletes (<c>maxItems</c>); the answer's continuation goes on.</summary>
    public int? MaxItems() => Int("maxItems", 1, int.MaxValue);

    public IReadOnlyList<string> Ids() => [.. _query["id"].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim())];

    public string? Text(string name) => _query[name].LastOrDefault() is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool? Bool(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Errors[name] = [$"'{name}' must be true or false."];
        return null;
    }

    private int? Int(string name, int min, int max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Errors[name] = [$"'{name}' must be a whole number from {min} to {max}."];
        return null;
    }

    private DateTimeOffset? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        Errors[name] = [$"'{name}' must be an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z."];
        return null;
    }
}
