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
    private const int ReplayConcurrency = 8;

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
        await ImportAsync(cancellationToken).ConfigureAwait(false);
        var partitions = await PartitionsAsync(index, filter, cancellationToken).ConfigureAwait(false);
        var (rows, next) = await index.PageAsync(partitions, filter, limit, cursor, withRecords: false, cancellationToken).ConfigureAwait(false);
        return new DeadLetterPage(await TotalAsync(index, partitions, filter, cancellationToken).ConfigureAwait(false), 0, limit, [.. rows.Select(DeadLetterRows.ToSummary)])
        {
            Continuation = next?.Encode(),
            HasMore = next is not null,
        };
    }

    /// <summary>
    /// Moves up to <see cref="DeadLetterStoreOptions.MaxImportPerCall"/> messages from each poison queue (written by
    /// the Functions host and our poll loop) and from the dead-letter queue (records written before the index) into
    /// the index: row first, then the message is deleted, so a crash in between re-imports onto the same row. Every
    /// indexed operation calls it first. Returns how many moved.
    /// </summary>
    public async Task<int> ImportAsync(CancellationToken cancellationToken = default)
    {
        if (_index is null)
        {
            return 0;
        }

        await _index.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        var moved = await ImportQueueAsync(_deadLetter, m => DeadLetterReader.FromDeadLetterQueue(m, _deadLetter.Name, now), cancellationToken).ConfigureAwait(false);
        foreach (var poison in _poison)
        {
            moved += await ImportQueueAsync(poison.Queue, m => DeadLetterReader.FromPoisonQueue(m, poison.Queue.Name, poison.Origin.Name, now), cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

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
        await ImportAsync(cancellationToken).ConfigureAwait(false);
        var index = _index!;
        var partitions = await index.PartitionsAsync(cancellationToken).ConfigureAwait(false);
        var found = await index.FindAsync(id.Trim(), partitions, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : DeadLetterRows.ToEntry(found[0]);
    }

    private async Task<DeadLetterStats> IndexedStatsAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        await ImportAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<ReplayResult> IndexedReplayAsync(DeadLetterSelection selection, ReplayOptions options, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        var index = _index!;
        var pacer = new ReplayPacer(options.RatePerSecond, _timeProvider);
        var items = new List<ReplayItem>();
        var continuation = await ForEachPageAsync(selection, options.Budget, withRecords: true, async (rows, ct) =>
        {
            // Claim + send run up to ReplayConcurrency at once (each is a round trip); the pacer still spaces their
            // starts, and the report keeps the page's order.
            var queued = new List<TableEntity>();
            var outcomes = new ReplayItem?[rows.Count];
            var entries = rows.Select(r => ReplayEnvelope.Retarget(DeadLetterRows.ToEntry(r), options.ToDestination)).ToArray();
            using var slots = new SemaphoreSlim(ReplayConcurrency);
            var running = new List<Task>();
            for (var i = 0; i < rows.Count; i++)
            {
                var entry = entries[i];
                if (entry.Record.Envelope is null)
                {
                    outcomes[i] = Item(entry, ReplayOutcomes.Skipped, "The entry holds no readable envelope; inspect it with show or export, then purge it.");
                }
                else if (options.DryRun)
                {
                    outcomes[i] = Item(entry, ReplayOutcomes.WouldReplay);
                }
                else
                {
                    await pacer.WaitAsync(ct).ConfigureAwait(false);
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    var at = i;
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            outcomes[at] = await ReplayIndexedAsync(index, rows[at], entries[at], ct).ConfigureAwait(false) ?? Item(entries[at], ReplayOutcomes.Replayed);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }
            }

            await Task.WhenAll(running).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                items.Add(outcomes[i]!);
                if (outcomes[i]!.Outcome == ReplayOutcomes.Replayed)
                {
                    queued.Add(rows[i]);
                }
            }

            progress?.Report(new DeadLetterProgress("replay", items.Count, items.Count));

            // Their replacements are queued: the records go now, even if the caller cancels, so the two stay together.
            await DeleteQueuedAsync(index, queued, items).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new ReplayResult(options.DryRun, items) { Continuation = continuation };
    }

    private async Task<ReplayItem?> ReplayIndexedAsync(DeadLetterIndex index, TableEntity row, DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        if (!await index.ClaimAsync(row, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return Item(entry, ReplayOutcomes.Failed, "Another operator replayed, purged or changed the entry meanwhile; nothing was queued.");
        }

        try
        {
            var replacement = ReplayEnvelope.From(entry.Record.Envelope!, _timeProvider.GetUtcNow());
            await ReplayTargetOf(entry).SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(replacement)), null, StorageNames.NeverExpires, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            return Item(entry, ReplayOutcomes.Failed, $"Queuing the replay failed ({StorageFailures.Describe(ex)}); the entry is kept.");
        }
    }

    private static async Task DeleteQueuedAsync(DeadLetterIndex index, List<TableEntity> queued, List<ReplayItem> items)
    {
        foreach (var group in queued.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            try
            {
                await index.DeleteAsync([.. group], CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
            {
                var kept = group.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i].Outcome == ReplayOutcomes.Replayed && kept.Contains(items[i].MessageId))
                    {
                        items[i] = items[i] with
                        {
                            Outcome = ReplayOutcomes.RecordKept,
                            Detail = $"Queued again, but deleting the entry failed ({StorageFailures.Describe(ex)}); replaying it again would deliver twice.",
                        };
                    }
                }
            }
        }
    }

    private async Task<PurgeResult> IndexedPurgeAsync(DeadLetterSelection selection, DeadLetterBudget? budget, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        var index = _index!;
        var failures = new List<ReplayItem>();
        var payloadFailures = new List<ReplayItem>();
        int matched = 0, payloadsDeleted = 0;
        var continuation = await ForEachPageAsync(selection, budget, withRecords: false, async (rows, ct) =>
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
    /// pages of 100 after the budget's continuation) until done or the budget is spent. Returns the continuation
    /// of the last row handled when stopped early, else null.
    /// </summary>
    private async Task<string?> ForEachPageAsync(
        DeadLetterSelection selection, DeadLetterBudget? budget, bool withRecords, Func<IReadOnlyList<TableEntity>, CancellationToken, Task> work, CancellationToken cancellationToken)
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
        while (true)
        {
            var room = budget?.MaxItems is { } max ? max - handled : WorkPage;
            var (rows, next) = await index.PageAsync(partitions, selection.Filter, Math.Clamp(room, 1, WorkPage), cursor, withRecords, cancellationToken).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                await work(rows, cancellationToken).ConfigureAwait(false);
                handled += rows.Count;
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
