using Azure.Data.Tables;
using Webhooks.AzureStorage;
using Webhooks.DeadLetters.Index;
using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

// Replay in the indexed mode: claim, queue, delete, a chunk at a time, the chunks overlapping (docs/operations.md, "Replay and purge").
public sealed partial class DeadLetterStore
{
    private const int ReplayPage = 1000; // rows (with records) per page of a replay: one query response per partition at most
    private const int MaxReplayChunk = 500;
    private const double ReplayChunkSeconds = 5; // of sends at the rate, per chunk (ReplayChunkSize)

    private async Task<ReplayResult> IndexedReplayAsync(DeadLetterSelection selection, ReplayOptions options, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        var index = _index!;
        var pacer = new ReplayPacer(options.RatePerSecond, _timeProvider);
        var claim = Guid.NewGuid().ToString("N"); // this call's claims: a retried claim recognises its own
        var started = _timeProvider.GetTimestamp();
        var chunkSize = ReplayChunkSize(options.RatePerSecond);
        var items = new List<ReplayItem>();

        // The chunks overlap: while one chunk's replacements are sent, the next chunk is claimed and the last one's
        // records are deleted, so the sends — the only paced step — never wait for the storage round trips around
        // them.
        var finishing = Task.CompletedTask;
        string? continuation;
        try
        {
            continuation = await ForEachPageAsync(selection, options.Budget, withRecords: true, ReplayPage, async (rows, ct) =>
            {
                var chunks = rows.Chunk(chunkSize).ToArray();
                Task<ReplayChunk>? claiming = ClaimChunkAsync(index, chunks[0], claim, options, ct);
                var handled = 0;
                try
                {
                    for (var k = 0; k < chunks.Length; k++)
                    {
                        // Checked before each chunk, so the budget is honoured within 5 s of sends. A chunk
                        // claimed ahead and then left is not lost: its rows stay in the index, after the continuation.
                        if (handled > 0 && options.Budget?.MaxDuration is { } duration && _timeProvider.GetElapsedTime(started) >= duration)
                        {
                            break;
                        }

                        if (finishing.IsFaulted)
                        {
                            await finishing.ConfigureAwait(false); // a delete failed unexpectedly: send no more
                        }

                        var chunk = await claiming!.ConfigureAwait(false); // set for every chunk but after the last
                        claiming = k + 1 < chunks.Length ? ClaimChunkAsync(index, chunks[k + 1], claim, options, ct) : null;
                        var (sends, canceled) = await SendChunkAsync(chunk, pacer, ct).ConfigureAwait(false);

                        // Their replacements are queued: the records go now, even if the caller cancels, so the two stay together.
                        finishing = FinishChunkAsync(finishing, index, chunk, items, progress);
                        handled += chunk.Rows.Length;
                        if (canceled is not null)
                        {
                            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(canceled);
                        }

                        await sends.ConfigureAwait(false); // Surfaces anything the sends did not expect.
                    }
                }
                finally
                {
                    if (claiming is not null)
                    {
                        await ((Task)claiming).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // claimed ahead, not sent
                    }
                }

                return handled;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await finishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await finishing.ConfigureAwait(false); // Surfaces anything the deletes did not expect.
        return new ReplayResult(options.DryRun, items) { Continuation = continuation };
    }

    // Up to 5 s of sends at the rate (at least one entry), at most 500. The claims and deletes are transactions per
    // source partition, so a chunk spread over 20 sources costs 40 of them whatever its size: a bigger chunk costs
    // fewer per entry. 5 s bounds how far a call overruns its time budget (checked per chunk).
    private static int ReplayChunkSize(double? ratePerSecond) =>
        ratePerSecond is > 0 ? (int)Math.Clamp(Math.Ceiling(ratePerSecond.Value * ReplayChunkSeconds), 1, MaxReplayChunk) : MaxReplayChunk;

    /// <summary>
    /// One chunk of a page on its way through the three steps: claim (one transaction per source partition, in
    /// parallel), queue the replacements (up to <see cref="DeadLetterStoreOptions.ReplayConcurrency"/> at once, paced),
    /// then delete the replayed records (one transaction per partition, with the counter). A record is deleted only
    /// after its replacement is queued; a crash in between leaves it, to be replayed again (twice, never zero times).
    /// </summary>
    private sealed record ReplayChunk(TableEntity[] Rows, DeadLetterEntry[] Entries, ReplayItem?[] Items, IReadOnlyList<int> Claimed);

    private async Task<ReplayChunk> ClaimChunkAsync(DeadLetterIndex index, TableEntity[] rows, string claim, ReplayOptions options, CancellationToken cancellationToken)
    {
        var entries = rows.Select(r => ReplayEnvelope.Retarget(DeadLetterRows.ToEntry(r), options.ToDestination)).ToArray();
        var items = new ReplayItem?[rows.Length];
        var wanted = new List<int>();
        for (var i = 0; i < rows.Length; i++)
        {
            if (entries[i].Record.Envelope is null)
            {
                items[i] = Item(entries[i], ReplayOutcomes.Skipped, "The entry holds no readable envelope; inspect it with show or export, then purge it.");
            }
            else if (options.DryRun)
            {
                items[i] = Item(entries[i], ReplayOutcomes.WouldReplay);
            }
            else
            {
                wanted.Add(i);
            }
        }

        var claimed = wanted.Count == 0 ? [] : await ClaimRowsAsync(index, rows, wanted, claim, items, cancellationToken).ConfigureAwait(false);
        return new ReplayChunk(rows, entries, items, claimed);
    }

    // Sends the claimed entries' replacements, paced. Returns once every started send ended: the sends (to surface
    // what they did not expect) and the cancellation that stopped further starts, if any.
    private async Task<(Task Sends, OperationCanceledException? Canceled)> SendChunkAsync(ReplayChunk chunk, ReplayPacer pacer, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(_options.ReplayConcurrency);
        var running = new List<Task>();
        OperationCanceledException? canceled = null;
        try
        {
            foreach (var i in chunk.Claimed)
            {
                await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var at = i;
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        chunk.Items[at] = await SendReplayAsync(chunk.Entries[at], cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException ex)
        {
            canceled = ex; // Sends already started finish, and their records go, before the cancellation surfaces.
        }

        var sends = Task.WhenAll(running);
        await sends.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (sends, canceled);
    }

    // After the previous chunk's (so items keep page order), even if that one failed: deletes this chunk's replayed
    // records, then reports it.
    private static async Task FinishChunkAsync(Task previous, DeadLetterIndex index, ReplayChunk chunk, List<ReplayItem> items, IProgress<DeadLetterProgress>? progress)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        finally
        {
            await DeleteQueuedAsync(index, chunk.Rows, chunk.Items).ConfigureAwait(false);
            items.AddRange(chunk.Items.Select((item, i) => item ?? Item(chunk.Entries[i], ReplayOutcomes.Failed, "Not attempted.")));
            progress?.Report(new DeadLetterProgress("replay", items.Count, items.Count));
        }
    }

    // Claims the wanted rows, one transaction per source partition (at most 100 rows each), partitions in parallel;
    // marks those lost to another operator or to a storage failure. Returns the claimed indexes, in page order.
    private async Task<IReadOnlyList<int>> ClaimRowsAsync(DeadLetterIndex index, TableEntity[] rows, List<int> wanted, string claim, ReplayItem?[] items, CancellationToken cancellationToken)
    {
        var claimed = new bool[rows.Length];
        var now = _timeProvider.GetUtcNow();
        var groups = wanted.GroupBy(i => rows[i].PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            try
            {
                var got = (await index.ClaimAsync([.. group.Select(i => rows[i])], claim, now, ct).ConfigureAwait(false))
                    .Select(r => r.RowKey)
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var i in group)
                {
                    claimed[i] = got.Contains(rows[i].RowKey);
                }
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, ct))
            {
                foreach (var i in group)
                {
                    items[i] = Item(DeadLetterRows.ToSummary(rows[i]), ReplayOutcomes.Failed, $"Claiming the entry failed ({StorageFailures.Describe(ex)}); nothing was queued.");
                }
            }
        }).ConfigureAwait(false);

        foreach (var i in wanted.Where(i => !claimed[i] && items[i] is null))
        {
            items[i] = Item(DeadLetterRows.ToSummary(rows[i]), ReplayOutcomes.Failed, "Another operator replayed, purged or changed the entry meanwhile; nothing was queued.");
        }

        return [.. wanted.Where(i => claimed[i])];
    }

    // Queues the replacement. Queues cannot deduplicate, so a try whose answer was lost (the SDK then tries again)
    // may have left a copy: those tries are counted, exactly, as the item's possible duplicates.
    private async Task<ReplayItem> SendReplayAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        var tally = new UnansweredWrites.Tally();
        try
        {
            var replacement = ReplayEnvelope.From(entry.Record.Envelope!, _timeProvider.GetUtcNow());
            using (UnansweredWrites.Track(tally, DeadLetterNetworkTimeout))
            {
                await ReplayTargetOf(entry).SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(replacement)), null, StorageNames.NeverExpires, cancellationToken).ConfigureAwait(false);
            }

            return Item(entry, ReplayOutcomes.Replayed) with { PossibleDuplicates = tally.LostAnswers > 0 ? tally.LostAnswers : null };
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            var maybe = tally.LostAnswers > 0 ? " A try whose answer was lost may have queued it anyway: replaying it again may deliver it twice." : string.Empty;
            return Item(entry, ReplayOutcomes.Failed, $"Queuing the replay failed ({StorageFailures.Describe(ex)}); the entry is kept.{maybe}") with
            {
                PossibleDuplicates = tally.LostAnswers > 0 ? tally.LostAnswers : null,
            };
        }
    }

    // Records per partition in parallel (each with its own counter), then every deleted record's lookups at once.
    private static async Task DeleteQueuedAsync(DeadLetterIndex index, TableEntity[] rows, ReplayItem?[] items)
    {
        var queued = Enumerable.Range(0, rows.Length).Where(i => items[i]?.Outcome == ReplayOutcomes.Replayed).ToList();
        var deleted = new System.Collections.Concurrent.ConcurrentBag<TableEntity>();
        await Parallel.ForEachAsync(queued.GroupBy(i => rows[i].PartitionKey, StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (group, _) =>
        {
            try
            {
                var records = group.Select(i => rows[i]).ToList();
                await index.DeleteAsync(records, CancellationToken.None, withLookups: false).ConfigureAwait(false);
                records.ForEach(deleted.Add);
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
            {
                foreach (var i in group)
                {
                    items[i] = items[i]! with
                    {
                        Outcome = ReplayOutcomes.RecordKept,
                        Detail = $"Queued again, but deleting the entry failed ({StorageFailures.Describe(ex)}); replaying it again would deliver twice.",
                    };
                }
            }
        }).ConfigureAwait(false);

        try
        {
            await index.DeleteLookupsAsync([.. deleted], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
        {
            // Best effort: the records are gone and reads skip a dangling lookup.
        }
    }
}
