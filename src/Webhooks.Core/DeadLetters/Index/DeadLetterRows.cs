using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Webhooks.Envelopes;

namespace Webhooks.DeadLetters.Index;

/// <summary>
/// How dead letters are laid out in the index table. Records: partition <c>s-&lt;source&gt;</c>, row
/// <c>&lt;inverted dead-letter ticks, 19 digits&gt;_&lt;delivery id&gt;</c> (newest first, one time order across every
/// partition, idempotent: a rerun of the same write lands on the same row). Beside them, per source partition, the
/// counter row <c>~counts</c>; the partition <c>~sources</c> lists the source partitions; partitions
/// <c>~id0</c>…<c>~idf</c> map delivery ids (and imported queue message ids) to their rows.
/// </summary>
internal static class DeadLetterRows
{
    public const string SourcesPartition = "~sources";
    public const string CounterRow = "~counts";
    public const string UnknownSource = "(unknown)";

    /// <summary>The column a replay's claim id is written to (with <c>ReplayClaimedAt</c>).</summary>
    public const string ReplayClaimColumn = "ReplayClaim";

    // Row keys of records are digits first; '~' sorts after them, so "RowKey lt '~'" leaves the counter row out.
    public const string RecordRowsEnd = "~";

    // A string property holds 32 K UTF-16 characters; longer records go in a binary one (64 KiB; records are fitted below that).
    private const int MaxStringRecordChars = 32_000;

    public static readonly string[] SummaryColumns =
    [
        "PartitionKey", "RowKey", "Id", "Queue", "QueueMessageId", "Poisoned", "Source", "Destination", "Reason", "Status", "ErrorCode",
        "ErrorSummary", "DeadLetteredAt", "ReceivedAt", "Attempts", "ReplayCount", "Readable", "BodyContainer", "BodyBlob", "BodyLength",
    ];

    /// <summary>The partition holding <paramref name="source"/>'s records (case-insensitive, like the filters).</summary>
    public static string PartitionOf(string? source) => "s-" + KeyText(string.IsNullOrWhiteSpace(source) ? UnknownSource : source).ToLowerInvariant();

    public static string InvertedTicks(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The row key of a record dead-lettered at <paramref name="at"/> under <paramref name="keyId"/>.</summary>
    public static string RowOf(DateTimeOffset at, string keyId) => InvertedTicks(at) + "_" + KeyText(keyId);

    /// <summary>True when <paramref name="id"/> has the shape of a record row key (entries' MessageId).</summary>
    public static bool IsRowKey(string id) => id.Length > 20 && id[19] == '_' && id.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The lookup partition of an id: 16 partitions by a stable hash, so lookups spread their writes.</summary>
    public static string LookupPartitionOf(string id)
    {
        uint hash = 2166136261;
        foreach (var c in KeyText(id))
        {
            hash = (hash ^ c) * 16777619;
        }

        return "~id" + (hash & 0xF).ToString("x", CultureInfo.InvariantCulture);
    }

    public static string LookupRowOf(string id, string partition, string row) => KeyText(id) + "|" + partition + "|" + row;

    public static string LookupPrefixOf(string id) => KeyText(id) + "|";

    // Keys refuse / \ # ? and control characters; cut long ids so keys stay far below the 1 KiB limit.
    public static string KeyText(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 200));
        foreach (var c in value.Length > 200 ? value[..200] : value)
        {
            builder.Append(c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c) ? '_' : c);
        }

        return builder.ToString();
    }

    /// <summary>The record entity for <paramref name="entry"/>: the summary as columns (Storage Explorer shows them), the record as JSON.</summary>
    public static TableEntity ToEntity(DeadLetterEntry entry, string partition, string row, string? queueMessageId)
    {
        var json = JsonSerializer.Serialize(entry.Record, WebhooksJsonContext.Default.DeadLetterRecord);
        var body = entry.Record.Envelope?.BodyRef;
        var entity = new TableEntity(partition, row)
        {
            ["Id"] = entry.Id,
            ["Queue"] = entry.Queue,
            ["QueueMessageId"] = queueMessageId,
            ["Poisoned"] = entry.Poisoned,
            ["Source"] = entry.Source,
            ["Destination"] = entry.Destination,
            ["DestinationKey"] = entry.Destination?.ToLowerInvariant(),
            ["Reason"] = entry.Reason,
            ["ReasonKey"] = entry.Reason.ToLowerInvariant(),
            ["Status"] = entry.Status,
            ["ErrorCode"] = entry.ErrorCode,
            ["ErrorCodeKey"] = entry.ErrorCode?.ToLowerInvariant(),
            ["ErrorSummary"] = Cut(entry.ErrorSummary, 1000),
            ["DeadLetteredAt"] = entry.DeadLetteredAt,
            ["ReceivedAt"] = entry.ReceivedAt,
            ["Attempts"] = entry.Attempts,
            ["ReplayCount"] = entry.ReplayCount,
            ["Readable"] = entry.Readable,
            ["BodyContainer"] = body?.Container,
            ["BodyBlob"] = body?.Blob,
            ["BodyLength"] = body?.Length,
        };
        if (json.Length <= MaxStringRecordChars)
        {
            entity["Record"] = json;
        }
        else
        {
            entity["RecordUtf8"] = Encoding.UTF8.GetBytes(json);
        }

        return entity;
    }

    public static DeadLetterSummary ToSummary(TableEntity entity) => new()
    {
        Id = entity.GetString("Id") ?? entity.RowKey,
        MessageId = entity.RowKey,
        Queue = entity.GetString("Queue") ?? string.Empty,
        Poisoned = entity.GetBoolean("Poisoned") ?? false,
        Source = entity.GetString("Source"),
        Destination = entity.GetString("Destination"),
        Reason = entity.GetString("Reason") ?? DeadLetterReasons.MalformedMessage,
        Status = entity.GetInt32("Status"),
        ErrorCode = entity.GetString("ErrorCode"),
        ErrorSummary = entity.GetString("ErrorSummary"),
        DeadLetteredAt = entity.GetDateTimeOffset("DeadLetteredAt") ?? DateTimeOffset.MinValue,
        ReceivedAt = entity.GetDateTimeOffset("ReceivedAt"),
        Attempts = entity.GetInt32("Attempts") ?? 0,
        ReplayCount = entity.GetInt32("ReplayCount") ?? 0,
        Readable = entity.GetBoolean("Readable") ?? true,
    };

    /// <summary>
    /// The full entry. A row whose record cannot be read (written by something else, or edited by hand) is shown as
    /// an unreadable entry with its columns, so it can still be seen and purged.
    /// </summary>
    public static DeadLetterEntry ToEntry(TableEntity entity)
    {
        var summary = ToSummary(entity);
        var json = entity.GetString("Record") ?? (entity.GetBinary("RecordUtf8") is { } bytes ? Encoding.UTF8.GetString(bytes) : null);
        DeadLetterRecord? record = null;
        try
        {
            record = json is null ? null : JsonSerializer.Deserialize(json, WebhooksJsonContext.Default.DeadLetterRecord);
        }
        catch (JsonException)
        {
            // Shown as unreadable below.
        }

        if (record is null)
        {
            record = new DeadLetterRecord { Reason = summary.Reason, DeadLetteredAt = summary.DeadLetteredAt, RawMessage = json };
            return DeadLetterReader.FromRecord(record, entity.RowKey, summary.Queue, summary.Poisoned, readable: false) with { Id = summary.Id, Source = summary.Source, Destination = summary.Destination };
        }

        return DeadLetterReader.FromRecord(record, entity.RowKey, summary.Queue, summary.Poisoned, summary.Readable) with { Id = summary.Id };
    }

    /// <summary>The merge that claims <paramref name="row"/> for the replay <paramref name="claim"/>.</summary>
    public static TableEntity ClaimOf(TableEntity row, string claim, DateTimeOffset at) =>
        new(row.PartitionKey, row.RowKey) { [ReplayClaimColumn] = claim, ["ReplayClaimedAt"] = at };

    /// <summary>The claim-check body a row references, from its columns.</summary>
    public static BodyReference? BodyOf(TableEntity entity) =>
        entity.GetString("BodyContainer") is { } container && entity.GetString("BodyBlob") is { } blob
            ? new BodyReference(container, blob, entity.GetInt64("BodyLength") ?? 0)
            : null;

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
