using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace Webhooks.DeadLetters.Index;

/// <summary>
/// The dead-letter table: writes records with their counters and lookups in a crash-safe order, pages them newest
/// first across source partitions with one cursor, finds them by id, and deletes them with their counters.
/// Never holds more than one page per partition.
/// </summary>
internal sealed class DeadLetterIndex
{
    private const int MaxCounterConflicts = 30;
    private const int MaxDeletesPerTransaction = 99; // 100 actions per transaction, one of them the counter row

    private readonly TableClient _table;
    private readonly ConcurrentDictionary<string, bool> _knownPartitions = new(StringComparer.Ordinal);
    private volatile bool _created;

    public DeadLetterIndex(TableClient table) => _table = table;

    public string TableName => _table.Name;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _created = true;
        }
    }

    /// <summary>
    /// Writes one record. Order: the source partition is listed, then the id lookups, then record and counter in one
    /// transaction. A crash before the last step leaves only harmless pointers (reads skip dangling lookups); a rerun
    /// of the same write (same row) finds the record there and counts nothing twice.
    /// </summary>
    /// <returns>The record's row key.</returns>
    public async Task<string> WriteAsync(DeadLetterEntry entry, string keyId, string? queueMessageId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = DeadLetterRows.PartitionOf(entry.Source);
        var row = DeadLetterRows.RowOf(entry.DeadLetteredAt, keyId);
        var stored = entry with { MessageId = row };
        await ListPartitionAsync(partition, entry.Source, cancellationToken).ConfigureAwait(false);
        foreach (var id in new[] { entry.Id, queueMessageId }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var lookup = new TableEntity(DeadLetterRows.LookupPartitionOf(id), DeadLetterRows.LookupRowOf(id, partition, row))
            {
                ["P"] = partition,
                ["R"] = row,
            };
            await _table.UpsertEntityAsync(lookup, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        var record = DeadLetterRows.ToEntity(stored, partition, row, queueMessageId);
        try
        {
            await WithCountersAsync(partition, [new TableTransactionAction(TableTransactionActionType.Add, record)], c => c.Apply(stored, 1), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == 0)
        {
            // Written before (a rerun after a crash or a timed-out success): already counted.
        }

        return row;
    }

    /// <summary>Adds many records of one source partition at once (seeding for benchmarks and tests; at most 99; no id lookups, so find them by row key).</summary>
    public async Task WriteBatchAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = DeadLetterRows.PartitionOf(entries[0].Source);
        await ListPartitionAsync(partition, entries[0].Source, cancellationToken).ConfigureAwait(false);
        var stored = entries.Select(e => e with { MessageId = DeadLetterRows.RowOf(e.DeadLetteredAt, e.Id) }).ToList();
        var actions = stored.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, DeadLetterRows.ToEntity(e, partition, e.MessageId, null))).ToList();
        await WithCountersAsync(partition, actions, c => stored.ForEach(e => c.Apply(e, 1)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The source partitions that have ever held a record.</summary>
    public async Task<IReadOnlyList<string>> PartitionsAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partitions = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DeadLetterRows.SourcesPartition}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], cancellationToken).ConfigureAwait(false))
        {
            partitions.Add(row.RowKey);
        }

        return partitions;
    }

    /// <summary>
    /// One page of records matching <paramref name="filter"/>, newest first across <paramref name="partitions"/>,
    /// after <paramref name="cursor"/>; the cursor of the last item when more exist. Each partition is asked for at
    /// most <paramref name="limit"/> + 1 rows, in parallel; the filters run server-side.
    /// </summary>
    public async Task<(IReadOnlyList<TableEntity> Items, DeadLetterCursor? Next)> PageAsync(
        IReadOnlyList<string> partitions, DeadLetterFilter filter, int limit, DeadLetterCursor? cursor, bool withRecords, CancellationToken cancellationToken)
    {
        var found = new List<TableEntity>[partitions.Count];
        var select = withRecords ? null : DeadLetterRows.SummaryColumns;
        await Parallel.ForEachAsync(Enumerable.Range(0, partitions.Count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var rows = new List<TableEntity>(Math.Min(limit + 1, 1000));
            var query = _table.QueryAsync<TableEntity>(FilterText(partitions[i], filter, cursor), Math.Min(limit + 1, 1000), select, ct);
            await foreach (var row in query.ConfigureAwait(false))
            {
                rows.Add(row);
                if (rows.Count > limit)
                {
                    break;
                }
            }

            found[i] = rows;
        }).ConfigureAwait(false);

        var merged = found.SelectMany(rows => rows)
            .OrderBy(e => e.RowKey, StringComparer.Ordinal)
            .ThenBy(e => e.PartitionKey, StringComparer.Ordinal)
            .ToList();
        if (merged.Count <= limit)
        {
            return (merged, null);
        }

        var page = merged.GetRange(0, limit);
        return (page, new DeadLetterCursor(page[^1].PartitionKey, page[^1].RowKey));
    }

    /// <summary>Every record stored under this delivery id, imported queue message id or row key, newest first.</summary>
    public async Task<IReadOnlyList<TableEntity>> FindAsync(string id, IReadOnlyList<string> partitions, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<TableEntity>();
        foreach (var (partition, row) in await LookupsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            if (await GetAsync(partition, row, cancellationToken).ConfigureAwait(false) is { } entity)
            {
                found.Add(entity);
            }
        }

        if (found.Count == 0 && DeadLetterRows.IsRowKey(id))
        {
            foreach (var partition in partitions)
            {
                if (await GetAsync(partition, id, cancellationToken).ConfigureAwait(false) is { } entity)
                {
                    found.Add(entity);
                }
            }
        }

        return [.. found.OrderBy(e => e.RowKey, StringComparer.Ordinal)];
    }

    /// <summary>True when some record other than (<paramref name="partition"/>, <paramref name="row"/>) has a lookup under <paramref name="id"/>.</summary>
    public async Task<bool> OthersExistAsync(string id, string partition, string row, CancellationToken cancellationToken)
    {
        foreach (var (p, r) in await LookupsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            if ((p != partition || r != row) && await GetAsync(p, r, cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        return false;
    }

    public async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The counters of each partition, read in parallel (one point read each).</summary>
    public async Task<IReadOnlyList<DeadLetterCounters>> CountersAsync(IReadOnlyList<string> partitions, CancellationToken cancellationToken)
    {
        var counters = new DeadLetterCounters[partitions.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, partitions.Count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            counters[i] = DeadLetterCounters.From(await GetAsync(partitions[i], DeadLetterRows.CounterRow, ct).ConfigureAwait(false))).ConfigureAwait(false);
        return counters;
    }

    /// <summary>
    /// Marks a record as being replayed, only if it is unchanged since it was read (its ETag): two operators
    /// replaying the same entry at once, one of them wins.
    /// </summary>
    public async Task<bool> ClaimAsync(TableEntity entity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var claim = new TableEntity(entity.PartitionKey, entity.RowKey) { ["ReplayClaimedAt"] = now };
            await _table.UpdateEntityAsync(claim, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes records of one partition with their counts (transactions of 99), then their lookups (best effort:
    /// a dangling lookup is skipped by reads). Returns the rows that were already gone.
    /// </summary>
    public async Task<IReadOnlyList<TableEntity>> DeleteAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var missing = new List<TableEntity>();
        foreach (var chunk in rows.Chunk(MaxDeletesPerTransaction))
        {
            try
            {
                await DeleteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // Someone deleted one of them meanwhile: go one by one to learn which.
                foreach (var row in chunk)
                {
                    try
                    {
                        await DeleteChunkAsync([row], cancellationToken).ConfigureAwait(false);
                    }
                    catch (TableTransactionFailedException single) when (single.Status == 404)
                    {
                        missing.Add(row);
                    }
                }
            }
        }

        foreach (var row in rows)
        {
            foreach (var id in new[] { row.GetString("Id"), row.GetString("QueueMessageId") }.OfType<string>().Distinct(StringComparer.Ordinal))
            {
                await _table.DeleteEntityAsync(DeadLetterRows.LookupPartitionOf(id), DeadLetterRows.LookupRowOf(id, row.PartitionKey, row.RowKey), ETag.All, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return missing;
    }

    private Task DeleteChunkAsync(IReadOnlyList<TableEntity> chunk, CancellationToken cancellationToken) =>
        WithCountersAsync(
            chunk[0].PartitionKey,
            [.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All))],
            c =>
            {
                foreach (var row in chunk)
                {
                    c.Apply(DeadLetterRows.ToSummary(row), -1);
                }
            },
            cancellationToken);

    private async Task<IReadOnlyList<(string Partition, string Row)>> LookupsAsync(string id, CancellationToken cancellationToken)
    {
        var prefix = DeadLetterRows.LookupPrefixOf(id);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DeadLetterRows.LookupPartitionOf(id)} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var found = new List<(string, string)>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, 100, ["P", "R"], cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("P") is { } p && row.GetString("R") is { } r)
            {
                found.Add((p, r));
            }
        }

        return found;
    }

    // Record and counter change in one entity group transaction; a concurrent counter change (412) retries on fresh counts.
    private async Task WithCountersAsync(string partition, IReadOnlyList<TableTransactionAction> actions, Action<DeadLetterCounters> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync(partition, DeadLetterRows.CounterRow, cancellationToken).ConfigureAwait(false);
            var counters = DeadLetterCounters.From(current);
            change(counters);
            var counterAction = current is null
                ? new TableTransactionAction(TableTransactionActionType.Add, counters.ToEntity(partition))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, counters.ToEntity(partition), current.ETag);
            try
            {
                await _table.SubmitTransactionAsync([.. actions, counterAction], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (
                ex.Status is 409 or 412 && (ex.FailedTransactionActionIndex is null || ex.FailedTransactionActionIndex == actions.Count) && attempt < MaxCounterConflicts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 10))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ListPartitionAsync(string partition, string? source, CancellationToken cancellationToken)
    {
        if (_knownPartitions.ContainsKey(partition))
        {
            return;
        }

        var entity = new TableEntity(DeadLetterRows.SourcesPartition, partition) { ["Source"] = source ?? DeadLetterRows.UnknownSource };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        _knownPartitions[partition] = true;
    }

    private static string FilterText(string partition, DeadLetterFilter filter, DeadLetterCursor? cursor)
    {
        var parts = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
            TableClient.CreateQueryFilter($"RowKey lt {DeadLetterRows.RecordRowsEnd}"),
        };
        if (cursor is { } c)
        {
            // One cursor for every partition: rows sort by (row key, partition) across the merge.
            parts.Add(string.CompareOrdinal(partition, c.Partition) > 0
                ? TableClient.CreateQueryFilter($"RowKey ge {c.Row}")
                : TableClient.CreateQueryFilter($"RowKey gt {c.Row}"));
        }

        if (filter.From is { } from)
        {
            var upper = (DateTimeOffset.MaxValue.UtcTicks - from.UtcTicks + 1).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
            parts.Add(TableClient.CreateQueryFilter($"RowKey lt {upper}"));
        }

        if (filter.To is { } to)
        {
            var lower = (DateTimeOffset.MaxValue.UtcTicks - to.UtcTicks + 1).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
            parts.Add(TableClient.CreateQueryFilter($"RowKey ge {lower}"));
        }

        if (filter.Destination is { } destination)
        {
            parts.Add(TableClient.CreateQueryFilter($"DestinationKey eq {destination.ToLowerInvariant()}"));
        }

        if (filter.Reason is { } reason)
        {
            parts.Add(TableClient.CreateQueryFilter($"ReasonKey eq {reason.ToLowerInvariant()}"));
        }

        if (filter.Status is { } status)
        {
            parts.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        }

        if (filter.ErrorCode is { } code)
        {
            parts.Add(TableClient.CreateQueryFilter($"ErrorCodeKey eq {code.ToLowerInvariant()}"));
        }

        if (filter.PoisonedOnly)
        {
            parts.Add(TableClient.CreateQueryFilter($"Poisoned eq {true}"));
        }

        return string.Join(" and ", parts);
    }
}

/// <summary>Where a page ended: the last item's partition and row. Opaque to callers (base64url text).</summary>
internal readonly record struct DeadLetterCursor(string Partition, string Row)
{
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes("1\n" + Partition + "\n" + Row)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <exception cref="FormatException">The token was not made by <see cref="Encode"/>.</exception>
    public static DeadLetterCursor Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\n');
            if (parts is ["1", { Length: > 0 } partition, { Length: > 0 } row])
            {
                return new DeadLetterCursor(partition, row);
            }
        }
        catch (FormatException)
        {
            // Reported below.
        }

        throw new FormatException("The continuation token is not one this API issued.");
    }
}
