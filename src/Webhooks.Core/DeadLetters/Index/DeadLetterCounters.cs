using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace Webhooks.DeadLetters.Index;

/// <summary>
/// The counts of one source partition, kept in its <c>~counts</c> row and changed in the same entity group
/// transaction as the records they count, so counts and records never disagree (stats read them instead of scanning).
/// </summary>
internal sealed class DeadLetterCounters
{
    // Distinct error codes kept per source; the rest are counted under "(other)" so the row stays far below 64 KiB.
    private const int MaxErrorCodes = 200;

    // Destinations come from configuration, so few; the same bound keeps a misconfiguration from growing the row.
    private const int MaxDestinations = 200;

    public long Total { get; private set; }

    public long Poisoned { get; private set; }

    /// <summary>The oldest dead-letter time ever counted while the partition was non-empty (not lowered by deletes).</summary>
    public DateTimeOffset? Oldest { get; private set; }

    public Dictionary<string, long> ByReason { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Entries with a destination, by destination. Entries without one are not kept here but are the rest of
    /// <see cref="Total"/> (see <see cref="WithoutDestination"/>), so rows counted before destinations existed stay exact.
    /// </summary>
    public Dictionary<string, long> ByDestination { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Entries without a destination: the total less those counted by destination.</summary>
    public long WithoutDestination => Math.Max(0, Total - ByDestination.Values.Sum());

    public Dictionary<string, long> ByStatus { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> ByErrorCode { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static DeadLetterCounters From(TableEntity? entity)
    {
        var counters = new DeadLetterCounters();
        if (entity is null)
        {
            return counters;
        }

        counters.Total = entity.GetInt64("Total") ?? 0;
        counters.Poisoned = entity.GetInt64("Poisoned") ?? 0;
        counters.Oldest = entity.GetDateTimeOffset("Oldest");
        if (entity.GetString("Counts") is { } json
            && JsonSerializer.Deserialize(json, DeadLetterJsonContext.Default.DictionaryStringDictionaryStringInt64) is { } counts)
        {
            Copy(counts, "reason", counters.ByReason);
            Copy(counts, "destination", counters.ByDestination);
            Copy(counts, "status", counters.ByStatus);
            Copy(counts, "errorCode", counters.ByErrorCode);
        }

        return counters;
    }

    /// <summary>Counts <paramref name="entry"/> in (<paramref name="sign"/> 1) or out (-1).</summary>
    public void Apply(DeadLetterSummary entry, int sign)
    {
        Total += sign;
        Poisoned += entry.Poisoned ? sign : 0;
        Add(ByReason, entry.Reason, sign);
        if (entry.Destination is { Length: > 0 } destination)
        {
            Add(ByDestination, ByDestination.ContainsKey(destination) || ByDestination.Count < MaxDestinations ? destination : "(other)", sign);
        }

        Add(ByStatus, entry.Status?.ToString(CultureInfo.InvariantCulture) ?? "none", sign);
        var code = entry.ErrorCode ?? "none";
        Add(ByErrorCode, ByErrorCode.ContainsKey(code) || ByErrorCode.Count < MaxErrorCodes ? code : "(other)", sign);
        if (sign > 0 && (Oldest is null || entry.DeadLetteredAt < Oldest))
        {
            Oldest = entry.DeadLetteredAt;
        }

        if (Total <= 0)
        {
            Total = 0;
            Poisoned = 0;
            Oldest = null;
            ByReason.Clear();
            ByDestination.Clear();
            ByStatus.Clear();
            ByErrorCode.Clear();
        }
    }

    public TableEntity ToEntity(string partition)
    {
        var counts = new Dictionary<string, Dictionary<string, long>>
        {
            ["reason"] = ByReason,
            ["destination"] = ByDestination,
            ["status"] = ByStatus,
            ["errorCode"] = ByErrorCode,
        };
        return new TableEntity(partition, DeadLetterRows.CounterRow)
        {
            ["Total"] = Total,
            ["Poisoned"] = Poisoned,
            ["Oldest"] = Oldest,
            ["Counts"] = JsonSerializer.Serialize(counts, DeadLetterJsonContext.Default.DictionaryStringDictionaryStringInt64),
        };
    }

    private static void Copy(Dictionary<string, Dictionary<string, long>> counts, string key, Dictionary<string, long> into)
    {
        if (counts.TryGetValue(key, out var values))
        {
            foreach (var (name, count) in values)
            {
                into[name] = count;
            }
        }
    }

    private static void Add(Dictionary<string, long> counts, string key, int sign)
    {
        var value = counts.GetValueOrDefault(key) + sign;
        if (value <= 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = value;
        }
    }
}
