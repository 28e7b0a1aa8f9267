using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.DeadLetters.Index;
using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

// The indexed mode: records in the table, queues only written (replays) or drained into the index (poison, legacy).
public sealed partial class DeadLetterStore
{
    private const int WorkPage = 100;

    // Replay sends and imports are not on intake's clock: they wait longer for an answer before trying again (each
    // lost answer of a send may be a duplicate), and three tries still fit the admin API's request limit beside its
    // 180 s budget.
    private static readonly TimeSpan DeadLetterNetworkTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetiredPoisonRefresh = TimeSpan.FromMinutes(1);

    private long _lastImport; // timestamp of the last import check by a listing, show or stats (0: none yet)
    private RetiredPoisonSources? _retiredPoison; // the last look for poison queues past the count (null: none yet)

    /// <summary>True when records live in an index table (see docs/operations.md).</summary>
    public bool IsIndexed => _index is not null;

    /// <summary>
    /// One page of matching entries, newest first, after <paramref name="continuation"/> (the previous page's
    /// <see cref="DeadLetterPage.Continuation"/>). Memory and cost are bounded by the page: at most
    /// <paramref name="limit"/> + 1 rows per source partition are read. Indexed stores only.
    /// </summary>
    /// <exception cref="ArgumentException">The continuation token is not one this store issued.</exception>
    /// <exception cref="InvalidOperationException">The store has no index.</exception>
    public async Task<DeadLetterPage> PageAsync(DeadLetterFilter? filter, int limit = 50, string? continuation = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        var index = _index ?? throw new InvalidOperationException("Paging by continuation needs an indexed store.");
        filter ??= DeadLetterFilter.None;
        var cursor = Decode(continuation);

        // The import check runs beside the page, not before it (and at most once per ImportInterval); only when it
        // moved something is the page read again, so host-poisoned messages still show in the page that found them.
        var import = ImportIfDueAsync(cancellationToken);
        var partitions = await PartitionsAsync(index, filter, cancellationToken).ConfigureAwait(false);
        var (rows, next, total) = await ReadPageAsync(index, partitions, filter, limit, cursor, cancellationToken).ConfigureAwait(false);
        if (await import.ConfigureAwait(false) > 0)
        {
            partitions = await PartitionsAsync(index, filter, cancellationToken).ConfigureAwait(false);
            (rows, next, total) = await ReadPageAsync(index, partitions, filter, limit, cursor, cancellationToken).ConfigureAwait(false);
        }

        return new DeadLetterPage(total, 0, limit, [.. rows.Select(DeadLetterRows.ToSummary)])
        {
            Continuation = next?.Encode(),
            HasMore = next is not null,
        };
    }

    // The page's rows and its total (counters) at once.
    private static async Task<(IReadOnlyList<TableEntity> Rows, DeadLetterCursor? Next, int? Total)> ReadPageAsync(
        DeadLetterIndex index, IReadOnlyList<string> partitions, DeadLetterFilter filter, int limit, DeadLetterCursor? cursor, CancellationToken cancellationToken)
    {
        var page = index.PageAsync(partitions, filter, limit, cursor, withRecords: false, cancellationToken);
        var total = TotalAsync(index, partitions, filter, cancellationToken);
        await Task.WhenAll(page, total).ConfigureAwait(false);
        var (rows, next) = await page.ConfigureAwait(false);
        return (rows, next, await total.ConfigureAwait(false));
    }

    // Listing, show and stats import at most once per ImportInterval per store (a host's store lives as long as it).
    private Task<int> ImportIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastImport);
        if (_options.ImportInterval > TimeSpan.Zero && last != 0 && _timeProvider.GetElapsedTime(last, now) < _options.ImportInterval)
        {
            return Task.FromResult(0);
        }

        Interlocked.Exchange(ref _lastImport, now);
        return ImportAsync(cancellationToken);
    }

    /// <summary>
    /// Moves up to <see cref="DeadLetterStoreOptions.MaxImportPerCall"/> messages from each poison queue (written by
    /// the Functions host and our poll loop) and from the dead-letter queue (records written before the index) into
    /// the index: row first, then the message is deleted, so a crash in between re-imports onto the same row. Replay,
    /// purge and export call it first; listing, show and stats at most once per
    /// <see cref="DeadLetterStoreOptions.ImportInterval"/> (a page beside its own reads). Returns how many moved.
    /// </summary>
    public async Task<int> ImportAsync(CancellationToken cancellationToken = default)
    {
        if (_index is null)
        {
            return 0;
        }

        await _index.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        using var patient = UnansweredWrites.Patient(DeadLetterNetworkTimeout);

        // Every queue at once: on an idle system each is one empty receive, and there may be 65 of them.
        var retired = await RetiredPoisonAsync(cancellationToken).ConfigureAwait(false);
        var moved = await Task.WhenAll(
            _poison.Concat(retired).Select(p => ImportQueueAsync(p.Queue, m => DeadLetterReader.FromPoisonQueue(m, p.Queue.Name, p.Origin.Name, now), cancellationToken))
                .Prepend(ImportQueueAsync(_deadLetter, m => DeadLetterReader.FromDeadLetterQueue(m, _deadLetter.Name, now), cancellationToken))).ConfigureAwait(false);
        return moved.Sum();
    }

    // Poison queues past Webhooks:Queues:Count (left by a lower count) are imported like the active ones, so the views
    // keep what the host poisoned there; a replay of such an entry goes to queue 0 (its origin has no worker but a
    // Kestrel host's drain at start). Looked for at most once a minute: a listing call. A failure keeps the last list.
    private async Task<IReadOnlyList<PoisonSource>> RetiredPoisonAsync(CancellationToken cancellationToken)
    {
        if (_queues is null)
        {
            return [];
        }

        var cached = _retiredPoison;
        var now = _timeProvider.GetTimestamp();
        if (cached is not null && _timeProvider.GetElapsedTime(cached.At, now) < RetiredPoisonRefresh)
        {
            return cached.Sources;
        }

        IReadOnlyList<PoisonSource> sources;
        try
        {
            sources = [.. (await _queues.FindRetiredPoisonQueuesAsync(cancellationToken).ConfigureAwait(false)).Select(q => new PoisonSource(q.Poison, q.Origin))];
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            sources = cached?.Sources ?? [];
        }

        _retiredPoison = new RetiredPoisonSources(now, sources);
        return sources;
    }

    private sealed record RetiredPoisonSources(long At, IReadOnlyList<PoisonSource> Sources);

    /// <summary>Writes one dead-letter record into the index (the worker's write path; see <see cref="DeadLetterWriter"/>).</summary>
    internal async Task WriteAsync(DeadLetterRecord record, CancellationToken cancellationToken)
    {
        var index = _index ?? throw new InvalidOperationException("Writing a record needs an indexed store.");
        var id = record.Envelope?.Id is { Length: > 0 } deliveryId ? deliveryId : Guid.NewGuid().ToString("N");
        var entry = DeadLetterReader.FromRecord(record, id, _deadLetter.Name, poisoned: false, readable: record.Envelope is not null || record.RawMessage is null);

        // Destinations of one delivery dead-letter apart, possibly within one clock tick: the row names the destination
        // so neither is taken for a rerun of the other.
        var keyId = entry.Destination is { Length: > 0 } destination ? $"{id}:{destination}" : id;
        await index.WriteAsync(entry, keyId, queueMessageId: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seeds records of one source in one transaction (benchmarks, tests): at most 99, same source.</summary>
    internal Task WriteBatchAsync(IReadOnlyList<DeadLetterRecord> records, CancellationToken cancellationToken)
    {
        var index = _index ?? throw new InvalidOperationException("Writing records needs an indexed store.");
        return index.WriteBatchAsync([.. records.Select(r => DeadLetterReader.FromRecord(r, r.Envelope!.Id, _deadLetter.Name, false, true))], cancellationToken);
    }

    private async Task<int> ImportQueueAsync(QueueClient queue, Func<QueueMessage, DeadLetterEntry> read, CancellationToken cancellationToken)
    {
        var moved = 0;
        while (moved < _options.MaxImportPerCall)
        {
            QueueMessage[] batch;
            try
            {
                var wanted = Math.Min(StorageNames.MaxMessagesPerCall, _options.MaxImportPerCall - moved);
                batch = (await queue.ReceiveMessagesAsync(wanted, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return moved; // Not created yet: nothing to move.
            }

            if (batch.Length == 0)
            {
                return moved;
            }

            foreach (var message in batch)
            {
                var entry = read(message);
                await _index!.WriteAsync(entry, message.MessageId, message.MessageId, cancellationToken).ConfigureAwait(false);
                try
                {
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
                {
                    // It reappears and is imported again onto the same row.
                }

                moved++;
            }
        }

        return moved;
    }

    private async Task<DeadLetterPage> IndexedListAsync(DeadLetterFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        string? continuation = null;
        var skipped = 0;
        while (skipped < skip)
        {
            // Skipping walks pages (cost grows with skip; page with continuation tokens instead).
            var step = Math.Min(1000, skip - skipped);
            var passed = await PageAsync(filter, step, continuation, cancellationToken).ConfigureAwait(false);
            skipped += passed.Items.Count;
            continuation = passed.Continuation;
            if (continuation is null)
            {
                return new DeadLetterPage(passed.Total, skip, take, []);
            }
        }

        var page = await PageAsync(filter, take, continuation, cancellationToken).ConfigureAwait(false);
        return page with { Skip = skip };
    }

    private async Task<DeadLetterEntry?> IndexedGetAsync(string id, CancellationToken cancellationToken)
    {
        await ImportIfDueAsync(cancellationToken).ConfigureAwait(false);
        var index = _index!;
        var partitions = await index.PartitionsAsync(cancellationToken).ConfigureAwait(false);
        var found = await index.FindAsync(id.Trim(), partitions, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : DeadLetterRows.ToEntry(found[0]);
    }

    private async Task<DeadLetterStats> IndexedStatsAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        await ImportIfDueAsync(cancellationToken).ConfigureAwait(false);
        var index = _index!;
        var partitions = await PartitionsAsync(index, filter, cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        if (CountersAnswer(filter))
        {
            var counters = await index.CountersAsync(partitions, cancellationToken).ConfigureAwait(false);
            var oldest = counters.Where(c => c.Oldest is not null).Select(c => c.Oldest!.Value).DefaultIfEmpty().Min();
            var hasOldest = counters.Any(c => c.Oldest is not null);
            return new DeadLetterStats
            {
                Total = Clamp(counters.Sum(c => c.Total)),
                Poisoned = Clamp(counters.Sum(c => c.Poisoned)),
                BySource = Ordered(partitions.Zip(counters).Where(p => p.Second.Total > 0)
                    .Select(p => (Key: SourceOf(p.First), Count: p.Second.Total))),
                ByDestination = Ordered(counters.SelectMany(c => c.ByDestination).Select(kv => (kv.Key, kv.Value))
                    .Append((Key: "none", Value: counters.Sum(c => c.WithoutDestination)))),
                ByReason = Ordered(counters.SelectMany(c => c.ByReason).Select(kv => (kv.Key, kv.Value))),
                ByStatus = Ordered(counters.SelectMany(c => c.ByStatus).Select(kv => (kv.Key, kv.Value))),
                ByErrorCode = Ordered(counters.SelectMany(c => c.ByErrorCode).Select(kv => (kv.Key, kv.Value))),
                Oldest = hasOldest ? oldest : null,
                OldestAge = hasOldest ? now - oldest : null,
                CountedBy = "counters",
            };
        }

        var bySource = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var byReason = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var byDestination = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var byStatus = new Dictionary<string, long>(StringComparer.Ordinal);
        var byCode = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        long total = 0, poisoned = 0;
        DateTimeOffset? oldestSeen = null;
        DeadLetterCursor? cursor = null;
        var truncated = false;
        do
        {
            var (rows, next) = await index.PageAsync(partitions, filter, 1000, cursor, withRecords: false, cancellationToken).ConfigureAwait(false);
            foreach (var entry in rows.Select(DeadLetterRows.ToSummary))
            {
                total++;
                poisoned += entry.Poisoned ? 1 : 0;
                Count(bySource, entry.Source ?? DeadLetterRows.UnknownSource);
                Count(byReason, entry.Reason);
                Count(byDestination, entry.Destination ?? "none");
                Count(byStatus, entry.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
                Count(byCode, entry.ErrorCode ?? "none");
                oldestSeen = oldestSeen is null || entry.DeadLetteredAt < oldestSeen ? entry.DeadLetteredAt : oldestSeen;
            }

            cursor = next;
            truncated = cursor is not null && total >= _options.MaxStatsScan;
        }
        while (cursor is not null && !truncated);

        return new DeadLetterStats
        {
            Total = Clamp(total),
            Poisoned = Clamp(poisoned),
            BySource = Ordered(bySource.Select(kv => (kv.Key, kv.Value))),
            ByDestination = Ordered(byDestination.Select(kv => (kv.Key, kv.Value))),
            ByReason = Ordered(byReason.Select(kv => (kv.Key, kv.Value))),
            ByStatus = Ordered(byStatus.Select(kv => (kv.Key, kv.Value))),
            ByErrorCode = Ordered(byCode.Select(kv => (kv.Key, kv.Value))),
            Oldest = oldestSeen,
            OldestAge = oldestSeen is null ? null : now - oldestSeen.Value,
            CountedBy = "scan",
            Truncated = truncated,
        };
    }

    private async Task<int> IndexedExportAsync(Stream destination, DeadLetterFilter filter, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        await ImportAsync(cancellationToken).ConfigureAwait(false);
        var index = _index!;
        var partitions = await PartitionsAsync(index, filter, cancellationToken).ConfigureAwait(false);
        var written = 0;
        DeadLetterCursor? cursor = null;
        do
        {
            var (rows, next) = await index.PageAsync(partitions, filter, WorkPage, cursor, withRecords: true, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                await JsonSerializer.SerializeAsync(destination, DeadLetterRows.ToEntry(row), DeadLetterJsonContext.Default.DeadLetterEntry, cancellationToken).ConfigureAwait(false);
                destination.WriteByte((byte)'\n');
                written++;
            }

            progress?.Report(new DeadLetterProgress("export", written, written));
            cursor = next;
        }
        while (cursor is not null);

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    private async Task<PurgeResult> IndexedPurgeAsync(DeadLetterSelection selection, DeadLetterBudget? budget, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        var index = _index!;
        var failures = new List<ReplayItem>();
        var payloadFailures = new List<ReplayItem>();
        int matched = 0, payloadsDeleted = 0;
        var continuation = await ForEachPageAsync(selection, budget, withRecords: false, WorkPage, async (rows, ct) =>
        {
            matched += rows.Count;
            foreach (var group in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                IReadOnlyList<TableEntity> gone;
                try
                {
                    gone = await index.DeleteAsync([.. group], ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, ct))
                {
                    failures.AddRange(group.Select(r => Item(DeadLetterRows.ToSummary(r), ReplayOutcomes.Failed, $"Delete failed ({StorageFailures.Describe(ex)}).")));
                    continue;
                }

                var missing = gone.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
                failures.AddRange(gone.Select(r => Item(DeadLetterRows.ToSummary(r), ReplayOutcomes.Failed, "Already deleted by another operator.")));
                foreach (var row in group.Where(r => !missing.Contains(r.RowKey)))
                {
                    if (_payloads is not null && DeadLetterRows.BodyOf(row) is { } body
                        && !await index.OthersExistAsync(row.GetString("Id") ?? row.RowKey, row.PartitionKey, row.RowKey, CancellationToken.None).ConfigureAwait(false))
                    {
                        var summary = DeadLetterRows.ToSummary(row);
                        var (removed, failure) = await DeletePayloadAsync(_payloads, DeadLetterRows.ToEntry(row), body).ConfigureAwait(false);
                        payloadsDeleted += removed ? 1 : 0;
                        if (failure is not null)
                        {
                            payloadFailures.Add(failure with { Id = summary.Id });
                        }
                    }
                }
            }

            progress?.Report(new DeadLetterProgress("purge", matched, matched));
            return rows.Count;
        }, cancellationToken).ConfigureAwait(false);
        return new PurgeResult(matched, matched - failures.Count, failures)
        {
            PayloadsDeleted = payloadsDeleted,
            PayloadFailures = payloadFailures,
            Continuation = continuation,
        };
    }

    /// <summary>
    /// Feeds the selected rows to <paramref name="work"/> a page at a time (ids: every row under each id; filter:
    /// pages of <paramref name="pageSize"/> after the budget's continuation) until done or the budget is spent.
    /// <paramref name="work"/> returns how many of the page's rows it handled (a prefix; fewer than all when it ran
    /// out of time). Returns the continuation of the last row handled when stopped early, else null.
    /// </summary>
    private async Task<string?> ForEachPageAsync(
        DeadLetterSelection selection, DeadLetterBudget? budget, bool withRecords, int pageSize, Func<IReadOnlyList<TableEntity>, CancellationToken, Task<int>> work, CancellationToken cancellationToken)
    {
        await ImportAsync(cancellationToken).ConfigureAwait(false);
        var index = _index!;
        if (selection.Ids.Count > 0)
        {
            var all = await index.PartitionsAsync(cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<(string, string)>();
            foreach (var id in selection.Ids)
            {
                var rows = (await index.FindAsync(id.Trim(), all, cancellationToken).ConfigureAwait(false))
                    .Where(r => seen.Add((r.PartitionKey, r.RowKey)) && selection.Filter.Matches(DeadLetterRows.ToSummary(r)))
                    .ToList();
                if (rows.Count > 0)
                {
                    await work(rows, cancellationToken).ConfigureAwait(false);
                }
            }

            return null;
        }

        var partitions = await PartitionsAsync(index, selection.Filter, cancellationToken).ConfigureAwait(false);
        var cursor = Decode(budget?.Continuation);
        var started = _timeProvider.GetTimestamp();
        var handled = 0;
        var reading = ReadWorkPageAsync(cursor, budget?.MaxItems);
        try
        {
            while (true)
            {
                var (rows, next) = await reading.ConfigureAwait(false);

                // The next page is read while this one is worked on (two pages at most in memory); it is dropped
                // unread if the work stops here.
                var left = budget?.MaxItems is { } max ? max - handled - rows.Count : (int?)null;
                reading = next is not null && left is not <= 0 ? ReadWorkPageAsync(next, left) : Task.FromResult<(IReadOnlyList<TableEntity>, DeadLetterCursor?)>(([], null));
                if (rows.Count > 0)
                {
                    // Work handles at least the page's first row, so a stop mid-page always has a row to continue after.
                    var done = Math.Max(1, await work(rows, cancellationToken).ConfigureAwait(false));
                    handled += done;
                    if (done < rows.Count)
                    {
                        return new DeadLetterCursor(rows[done - 1].PartitionKey, rows[done - 1].RowKey).Encode();
                    }
                }

                cursor = next;
                if (cursor is null)
                {
                    return null;
                }

                var outOfItems = budget?.MaxItems is { } limit && handled >= limit;
                var outOfTime = budget?.MaxDuration is { } duration && _timeProvider.GetElapsedTime(started) >= duration;
                if (outOfItems || outOfTime)
                {
                    return cursor.Value.Encode();
                }
            }
        }
        finally
        {
            await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // a read ahead nobody needs ends here
        }

        Task<(IReadOnlyList<TableEntity> Items, DeadLetterCursor? Next)> ReadWorkPageAsync(DeadLetterCursor? after, int? room) =>
            index.PageAsync(partitions, selection.Filter, Math.Clamp(room ?? pageSize, 1, pageSize), after, withRecords, cancellationToken);
    }

    // The dead-letter "queue" of an indexed store: the index's records (counters) plus what still waits in the queue.
    private async Task<QueueStats> WithIndexedAsync(QueueStats queue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = _index!;
        var counters = await index.CountersAsync(await index.PartitionsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var oldest = counters.Select(c => c.Oldest).Append(queue.OldestInsertedOn).Where(o => o is not null).Min();
        return new QueueStats(queue.Role, queue.Name, queue.Exists, Clamp(queue.ApproximateCount + counters.Sum(c => c.Total)), oldest)
        {
            OldestAge = oldest is null ? null : now - oldest.Value,
        };
    }

    private async Task<IReadOnlyList<string>> PartitionsAsync(DeadLetterIndex index, DeadLetterFilter filter, CancellationToken cancellationToken) =>
        filter.Source is { } source ? [DeadLetterRows.PartitionOf(source)] : await index.PartitionsAsync(cancellationToken).ConfigureAwait(false);

    // Counters count per source partition: they answer no filter, or a source filter, and nothing finer.
    private static bool CountersAnswer(DeadLetterFilter filter) => filter == DeadLetterFilter.None || filter == new DeadLetterFilter { Source = filter.Source };

    private static async Task<int?> TotalAsync(DeadLetterIndex index, IReadOnlyList<string> partitions, DeadLetterFilter filter, CancellationToken cancellationToken) =>
        CountersAnswer(filter) ? Clamp((await index.CountersAsync(partitions, cancellationToken).ConfigureAwait(false)).Sum(c => c.Total)) : null;

    private static DeadLetterCursor? Decode(string? continuation)
    {
        if (string.IsNullOrWhiteSpace(continuation))
        {
            return null;
        }

        try
        {
            return DeadLetterCursor.Decode(continuation.Trim());
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(continuation), ex);
        }
    }

    private static string SourceOf(string partition) => partition.StartsWith("s-", StringComparison.Ordinal) ? partition[2..] : partition;

    private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);

    private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static Dictionary<string, int> Ordered(IEnumerable<(string Key, long Count)> counts) =>
        counts.GroupBy(c => c.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, Count: g.Sum(c => c.Count)))
            .Where(g => g.Count > 0)
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Clamp(g.Count), StringComparer.OrdinalIgnoreCase);

    private static ReplayItem Item(DeadLetterSummary entry, string outcome, string? detail = null) =>
        new(entry.Id, entry.MessageId, entry.Source, entry.Poisoned, outcome, detail) { Destination = entry.Destination };
}
