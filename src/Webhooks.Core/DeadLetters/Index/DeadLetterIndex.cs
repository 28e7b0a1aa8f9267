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
    private const int MaxClaimRounds = 4;
    private const string NoLookupsColumn = "NoLookups"; // set only on seeded rows; every written or imported record has lookups

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

    /// <summary>
    /// Adds many records of one source partition at once (seeding for benchmarks and tests; at most 99). No id lookups
    /// are written (find them by row key), and the rows say so, so deleting them does not look for lookups.
    /// </summary>
    public async Task WriteBatchAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = DeadLetterRows.PartitionOf(entries[0].Source);
        await ListPartitionAsync(partition, entries[0].Source, cancellationToken).ConfigureAwait(false);
        var stored = entries.Select(e => e with { MessageId = DeadLetterRows.RowOf(e.DeadLetteredAt, e.Id) }).ToList();
        var actions = stored.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, WithoutLookups(DeadLetterRows.ToEntity(e, partition, e.MessageId, null)))).ToList();
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
    /// after <paramref name="cursor"/>; the cursor of the last item when more exist. The filters run server-side and
    /// the partitions are read in parallel. Each partition is first asked for its share of the page (and some
    /// slack), not for the whole page: a partition that filled its ask may hold more, so the page only takes rows up
    /// to the earliest last row of such partitions, and those that leave it short are asked again after their last
    /// row. Evenly spread records take one round of small queries; one busy source takes a second round.
    /// </summary>
    public async Task<(IReadOnlyList<TableEntity> Items, DeadLetterCursor? Next)> PageAsync(
        IReadOnlyList<string> partitions, DeadLetterFilter filter, int limit, DeadLetterCursor? cursor, bool withRecords, CancellationToken cancellationToken)
    {
        var select = withRecords ? null : DeadLetterRows.SummaryColumns;
        var fetched = partitions.Select(_ => new List<TableEntity>()).ToArray();
        var mayHaveMore = new bool[partitions.Count];
        var ask = partitions.Count <= 1 ? limit + 1 : Math.Min(limit + 1, ((limit * 3 / 2) + partitions.Count - 1) / partitions.Count + 2);
        var open = Enumerable.Range(0, partitions.Count).ToList();
        for (var round = 1; ; round++)
        {
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var after = fetched[i].Count > 0 ? new DeadLetterCursor(partitions[i], fetched[i][^1].RowKey) : cursor;
                var rows = new List<TableEntity>(Math.Min(ask, 1000));
                await foreach (var row in _table.QueryAsync<TableEntity>(FilterText(partitions[i], filter, after), Math.Min(ask, 1000), select, ct).ConfigureAwait(false))
                {
                    rows.Add(row);
                    if (rows.Count >= ask)
                    {
                        break;
                    }
                }

                fetched[i].AddRange(rows);
                mayHaveMore[i] = rows.Count >= ask;
            }).ConfigureAwait(false);

            var merged = fetched.SelectMany(rows => rows).Order(MergeOrder.Instance).ToList();
            var bounds = Enumerable.Range(0, partitions.Count).Where(i => mayHaveMore[i]).Select(i => fetched[i][^1]).ToList();
            var bound = bounds.Count == 0 ? null : bounds.Min(MergeOrder.Instance);
            var safe = bound is null ? merged.Count : merged.FindLastIndex(e => MergeOrder.Instance.Compare(e, bound) <= 0) + 1;
            if (safe > limit)
            {
                var page = merged.GetRange(0, limit);
                return (page, new DeadLetterCursor(page[^1].PartitionKey, page[^1].RowKey));
            }

            if (bound is null)
            {
                return (merged, null); // Everything after the cursor was read: no more.
            }

            // Short (or not yet sure more exist): ask again the partitions whose unread rows could fall inside the page.
            var edge = merged.Count >= limit ? merged[limit - 1] : null;
            open = [.. Enumerable.Range(0, partitions.Count).Where(i => mayHaveMore[i] && (edge is null || MergeOrder.Instance.Compare(fetched[i][^1], edge) <= 0))];
            ask = round >= 3 ? limit + 1 : limit - safe + 1; // A last round asks enough to settle it.
        }
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
    /// Claims records of one partition for replay, in one entity group transaction (at most 100): each is marked
    /// with <paramref name="claim"/> only if unchanged since it was read (its ETag), so of two operators replaying
    /// the same entry one wins. Idempotent for its owner: when the transaction fails on an ETag (412) or a missing
    /// row (404) — which is also what the SDK's own retry of a transaction gets when the first try was applied and
    /// its answer lost — the rows are read again: those carrying <paramref name="claim"/> are ours, unchanged ones are
    /// claimed again, changed or deleted ones were taken by someone else.
    /// </summary>
    /// <returns>The rows claimed by <paramref name="claim"/>, in the order given.</returns>
    public async Task<IReadOnlyList<TableEntity>> ClaimAsync(IReadOnlyList<TableEntity> rows, string claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var pending = rows.ToList();
        for (var round = 0; pending.Count > 0 && round < MaxClaimRounds; round++)
        {
            try
            {
                await _table.SubmitTransactionAsync(
                    [.. pending.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge, DeadLetterRows.ClaimOf(r, claim, now), r.ETag))],
                    cancellationToken).ConfigureAwait(false);
                claimed.UnionWith(pending.Select(r => r.RowKey));
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
            {
                var current = await ClaimsOfAsync(pending, cancellationToken).ConfigureAwait(false);
                var again = new List<TableEntity>();
                for (var i = 0; i < pending.Count; i++)
                {
                    if (current[i] is not { } row)
                    {
                        continue; // Deleted meanwhile (purged, or replayed by someone else).
                    }

                    if (string.Equals(row.GetString(DeadLetterRows.ReplayClaimColumn), claim, StringComparison.Ordinal))
                    {
                        claimed.Add(pending[i].RowKey); // Ours: an earlier try was applied.
                    }
                    else if (row.ETag == pending[i].ETag)
                    {
                        again.Add(pending[i]); // Unchanged: it only failed with the transaction.
                    }
                }

                pending = again;
            }
        }

        return [.. rows.Where(r => claimed.Contains(r.RowKey))];
    }

    /// <summary>
    /// Deletes the id lookups of replayed or purged records (best effort: a dangling lookup is skipped by reads).
    /// Lookups of one lookup partition go in one transaction; when one of them is already gone (records seeded
    /// without lookups, a rerun) that partition's lookups are deleted one by one, which ignores missing ones.
    /// </summary>
    public async Task DeleteLookupsAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var lookups = rows
            .Where(row => row.GetBoolean(NoLookupsColumn) != true)
            .SelectMany(row => new[] { row.GetString("Id"), row.GetString("QueueMessageId") }
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Select(id => (Partition: DeadLetterRows.LookupPartitionOf(id), Row: DeadLetterRows.LookupRowOf(id, row.PartitionKey, row.RowKey))))
            .Distinct()
            .GroupBy(l => l.Partition, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(lookups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            try
            {
                await _table.SubmitTransactionAsync(
                    [.. chunk.Select(l => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(l.Partition, l.Row), ETag.All))], ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                foreach (var (partition, row) in chunk)
                {
                    try
                    {
                        await _table.DeleteEntityAsync(partition, row, ETag.All, ct).ConfigureAwait(false);
                    }
                    catch (RequestFailedException missing) when (missing.Status == 404)
                    {
                        // Already gone.
                    }
                }
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes records of one partition with their counts (transactions of 99), then their lookups (best effort:
    /// a dangling lookup is skipped by reads). Returns the rows that were already gone.
    /// </summary>
    /// <param name="rows">Records of one partition.</param>
    /// <param name="withLookups">False when the caller deletes the lookups itself (<see cref="DeleteLookupsAsync"/>, for many partitions at once).</param>
    /// <param name="cancellationToken">Cancels the record deletes; lookups, once records are gone, are deleted regardless.</param>
    public async Task<IReadOnlyList<TableEntity>> DeleteAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken, bool withLookups = true)
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

        if (withLookups)
        {
            await DeleteLookupsAsync(rows, CancellationToken.None).ConfigureAwait(false);
        }

        return missing;
    }

    private static TableEntity WithoutLookups(TableEntity record)
    {
        record[NoLookupsColumn] = true;
        return record;
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

    // The rows as they are now (null: gone), only their claim column: point reads in parallel.
    private async Task<TableEntity?[]> ClaimsOfAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var current = new TableEntity?[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(rows[i].PartitionKey, rows[i].RowKey, [DeadLetterRows.ReplayClaimColumn], ct).ConfigureAwait(false);
            current[i] = response.HasValue ? response.Value : null;
        }).ConfigureAwait(false);
        return current;
    }

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

/// <summary>The order of a page across partitions: row key (inverted time), then partition.</summary>
internal sealed class MergeOrder : IComparer<TableEntity>
{
    public static MergeOrder Instance { get; } = new();

    public int Compare(TableEntity? x, TableEntity? y)
    {
        var byRow = string.CompareOrdinal(x?.RowKey, y?.RowKey);
        return byRow != 0 ? byRow : string.CompareOrdinal(x?.PartitionKey, y?.PartitionKey);
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
