using Azure.Storage.Queues;

namespace Webhooks.DeadLetters;

/// <summary>
/// The entries of one scan of the dead-letter queue and every poison queue, newest first, each tied to the scan holding its
/// message. Disposing releases every message not consumed.
/// </summary>
internal sealed class DeadLetterSnapshot : IAsyncDisposable
{
    private readonly QueueScan[] _scans;

    private DeadLetterSnapshot(QueueScan[] scans, IReadOnlyList<(DeadLetterEntry Entry, QueueScan Scan)> entries)
    {
        _scans = scans;
        Entries = entries;
    }

    public IReadOnlyList<(DeadLetterEntry Entry, QueueScan Scan)> Entries { get; }

    public bool Truncated => _scans.Any(s => s.Truncated);

    public static async Task<DeadLetterSnapshot> TakeAsync(
        QueueClient deadLetter,
        IReadOnlyList<PoisonSource> poisonQueues,
        DeadLetterFilter filter,
        DeadLetterStoreOptions options,
        DateTimeOffset now,
        IProgress<DeadLetterProgress>? progress,
        CancellationToken cancellationToken)
    {
        var scans = new List<QueueScan>(1 + poisonQueues.Count);
        var entries = new List<(DeadLetterEntry, QueueScan)>();
        try
        {
            if (!filter.PoisonedOnly)
            {
                var scan = await QueueScan.ReceiveAllAsync(deadLetter, options, progress, cancellationToken).ConfigureAwait(false);
                scans.Add(scan);
                entries.AddRange(scan.Messages.Select(m => (DeadLetterReader.FromDeadLetterQueue(m, deadLetter.Name, now), scan)));
            }

            if (filter.CanMatchPoisoned)
            {
                foreach (var poison in poisonQueues)
                {
                    var scan = await QueueScan.ReceiveAllAsync(poison.Queue, options, progress, cancellationToken).ConfigureAwait(false);
                    scans.Add(scan);
                    entries.AddRange(scan.Messages.Select(m => (DeadLetterReader.FromPoisonQueue(m, poison.Queue.Name, poison.Origin.Name, now), scan)));
                }
            }
        }
        catch
        {
            foreach (var scan in scans)
            {
                await scan.ReleaseAsync().ConfigureAwait(false);
            }

            throw;
        }

        var newestFirst = entries
            .OrderByDescending(e => e.Item1.DeadLetteredAt)
            .ThenBy(e => e.Item1.MessageId, StringComparer.Ordinal)
            .ToList();
        return new DeadLetterSnapshot([.. scans], newestFirst);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scan in _scans)
        {
            await scan.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
