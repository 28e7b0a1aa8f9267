using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;

namespace Webhooks.DeadLetters;

/// <summary>
/// Lists a Storage queue the only way the service allows: by receiving every message (hiding each for the scan's
/// visibility timeout) and afterwards releasing the ones not consumed, which makes them visible again at once.
/// </summary>
/// <remarks>
/// While a scan holds messages, other readers — a concurrent scan, the CLI on another machine — do not see them,
/// for at most <see cref="DeadLetterStoreOptions.ScanVisibilityTimeout"/> if the release never happens (a crash).
/// A message received twice (its visibility ran out mid-scan) is kept once, with the newest pop receipt; the scan
/// stops when a batch brings nothing new, so it ends even then.
/// </remarks>
internal sealed class QueueScan
{
    private readonly QueueClient _queue;
    private readonly DeadLetterStoreOptions _options;
    private readonly Dictionary<string, QueueMessage> _held = new(StringComparer.Ordinal);

    private QueueScan(QueueClient queue, DeadLetterStoreOptions options)
    {
        _queue = queue;
        _options = options;
    }

    /// <summary>The queue scanned.</summary>
    public QueueClient Queue => _queue;

    /// <summary>Messages held, in the order first received.</summary>
    public IReadOnlyCollection<QueueMessage> Messages => _held.Values;

    /// <summary>True when the scan stopped at <see cref="DeadLetterStoreOptions.MaxScanMessages"/>: more messages may exist.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Receives every message of <paramref name="queue"/>; a queue that does not exist is empty.</summary>
    public static async Task<QueueScan> ReceiveAllAsync(QueueClient queue, DeadLetterStoreOptions options, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        var scan = new QueueScan(queue, options);
        try
        {
            await scan.ReceiveAsync(progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await scan.ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        return scan;
    }

    /// <summary>The current pop receipt of a held message.</summary>
    public string PopReceiptOf(string messageId) => _held[messageId].PopReceipt;

    /// <summary>Records a new pop receipt after an update of a held message.</summary>
    public void Renewed(string messageId, UpdateReceipt receipt) => _held[messageId] = _held[messageId].Update(receipt);

    /// <summary>Stops holding a message that was deleted (or lost), so release leaves it alone.</summary>
    public void Forget(string messageId) => _held.Remove(messageId);

    /// <summary>
    /// Makes every message still held visible again. Best effort and never cancelled by the caller: a message whose
    /// release fails simply reappears when its visibility timeout ends.
    /// </summary>
    public async Task ReleaseAsync()
    {
        if (_held.Count == 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ReleaseConcurrency, CancellationToken = timeout.Token };
        try
        {
            await Parallel.ForEachAsync(_held.Values.ToArray(), parallel, async (message, ct) =>
            {
                try
                {
                    await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, (BinaryData?)null, TimeSpan.Zero, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, ct))
                {
                    // Deleted meanwhile, or taken by another reader: nothing to release.
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The rest reappear by themselves when their visibility timeout ends.
        }

        _held.Clear();
    }

    private async Task ReceiveAsync(IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken)
    {
        while (_held.Count < _options.MaxScanMessages)
        {
            var wanted = Math.Min(StorageNames.MaxMessagesPerCall, _options.MaxScanMessages - _held.Count);
            QueueMessage[] batch;
            try
            {
                batch = (await _queue.ReceiveMessagesAsync(wanted, _options.ScanVisibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return; // The queue does not exist: nothing to list.
            }

            if (batch.Length == 0)
            {
                return;
            }

            var added = 0;
            foreach (var message in batch)
            {
                added += _held.ContainsKey(message.MessageId) ? 0 : 1;
                _held[message.MessageId] = message;
            }

            progress?.Report(new DeadLetterProgress("scan", _held.Count, _held.Count));
            if (added == 0)
            {
                return; // Only messages seen before came back: their visibility ran out, everything was seen.
            }
        }

        Truncated = true;
    }
}
