using System.Collections.Concurrent;
using Webhooks.Dedup;

namespace Webhooks.BenchHost;

/// <summary>
/// Duplicate detection in process memory, with the blob-backed one's answers (new, duplicate, conflict, in progress),
/// so the sink host runs intake's dedup path — hashing, claim, confirm — without storage. Bounded: forgets everything
/// past 200,000 ids (a benchmark sends unique ids, so nothing is lost that matters).
/// </summary>
internal sealed class InMemoryDeduplicator : IDeliveryDeduplicator
{
    private const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<string, DedupRecord> _records = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; a counter keeps the bound cheap under concurrency.
    private int _added;

    public Task<DedupClaim> ClaimAsync(string source, string deliveryId, ReadOnlyMemory<byte> bodySha256, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _added) > MaxEntries)
        {
            Interlocked.Exchange(ref _added, 0);
            _records.Clear();
        }

        var key = source + "/" + deliveryId;
        var record = DedupRecord.Pending(source, deliveryId, bodySha256.Span, receivedAt);
        var existing = _records.GetOrAdd(key, record);
        if (ReferenceEquals(existing, record))
        {
            return Task.FromResult(new DedupClaim(DedupVerdict.New, null, new DedupTicket(key, "1", record)));
        }

        var verdict = existing.BodySha256 != record.BodySha256 ? DedupVerdict.Conflict
            : existing.State == DedupStates.Queued ? DedupVerdict.Duplicate
            : DedupVerdict.InProgress;
        return Task.FromResult(new DedupClaim(verdict, existing, null));
    }

    public Task ConfirmAsync(DedupTicket ticket, CancellationToken cancellationToken = default)
    {
        ticket.Record.State = DedupStates.Queued;
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(DedupTicket ticket, CancellationToken cancellationToken = default)
    {
        _records.TryRemove(ticket.BlobName, out _);
        return Task.CompletedTask;
    }
}
