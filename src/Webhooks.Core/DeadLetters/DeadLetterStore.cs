using System.Text.Json;
using Azure;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.DeadLetters.Index;
using Azure.Data.Tables;

namespace Webhooks.DeadLetters;

/// <summary>
/// The one engine API for inspecting and operating the dead-letter queue and the host's poison queues
/// (<c>&lt;delivery queue&gt;-poison</c>, one per delivery queue): list, show, stats, export, replay, purge, and queue depths. The CLI and the
/// admin API are thin presenters over it.
/// </summary>
/// <remarks>
/// <para>With an index table (every host and the CLI: <see cref="DeadLetterStoreOptions"/>, <c>AddWebhookDeadLetters</c>)
/// records live in Azure Table storage and nothing is received to read them: see docs/operations.md. Poison-queue
/// messages and records left in the dead-letter queue are moved into the index on read (replay, purge and export
/// first; listing, show and stats at most every <see cref="DeadLetterStoreOptions.ImportInterval"/>).</para>
/// <para>Without one (tests over in-memory queues only), the queue-scan mode below applies.</para>
/// A Storage queue can be listed only by receiving its messages. Every operation but <see cref="QueueStatsAsync"/>
/// therefore receives all messages (hiding each for <see cref="DeadLetterStoreOptions.ScanVisibilityTimeout"/>),
/// works on them, and releases those it did not consume. Caveat: while a scan runs, a concurrent scan does not see
/// the messages it holds, and if the process dies mid-scan they stay hidden until that timeout ends. Nothing is
/// ever lost: a message is deleted only by purge, or by replay after its replacement is safely queued.
/// </remarks>
public sealed partial class DeadLetterStore
{
    private readonly IReadOnlyList<QueueClient> _deliveries;
    private readonly QueueClient _deadLetter;
    private readonly IReadOnlyList<PoisonSource> _poison;
    private readonly TimeProvider _timeProvider;
    private readonly DeadLetterStoreOptions _options;
    private readonly PayloadStore? _payloads;
    private readonly DeadLetterIndex? _index;
    private readonly WebhookQueues? _queues;

    /// <summary>Creates a store over one delivery queue, the dead-letter queue and that delivery queue's poison queue.</summary>
    /// <param name="deliveries">Where replayed deliveries are queued.</param>
    /// <param name="deadLetter">The dead-letter queue the worker writes records to.</param>
    /// <param name="poison">The Functions host's poison queue for <paramref name="deliveries"/>.</param>
    /// <param name="timeProvider">Where time comes from (ages, rate limiting).</param>
    /// <param name="options">Scan settings; defaults when null.</param>
    /// <param name="payloads">Where claim-check bodies live; purge deletes those of purged entries. Null: purge leaves blobs alone.</param>
    public DeadLetterStore(QueueClient deliveries, QueueClient deadLetter, QueueClient poison, TimeProvider timeProvider, DeadLetterStoreOptions? options = null, PayloadStore? payloads = null)
        : this([deliveries], deadLetter, [new PoisonSource(poison, deliveries)], timeProvider, options, payloads)
    {
    }

    /// <summary>
    /// Creates a store over the app's queues: every delivery queue, the dead-letter queue and every delivery queue's
    /// poison queue.
    /// </summary>
    /// <param name="queues">The app's queues.</param>
    /// <param name="timeProvider">Where time comes from (ages, rate limiting).</param>
    /// <param name="options">Scan settings; defaults when null.</param>
    /// <param name="payloads">Where claim-check bodies live; purge deletes those of purged entries. Null: purge leaves blobs alone.</param>
    public DeadLetterStore(WebhookQueues queues, TimeProvider timeProvider, DeadLetterStoreOptions? options = null, PayloadStore? payloads = null)
        : this(
            (queues ?? throw new ArgumentNullException(nameof(queues))).DeliveryQueues,
            queues.DeadLetter,
            [.. queues.PoisonQueues.Zip(queues.DeliveryQueues, (poison, origin) => new PoisonSource(poison, origin))],
            timeProvider,
            options,
            payloads)
    {
        _queues = queues;
    }

    /// <summary>
    /// Creates a store whose records live in <paramref name="index"/> (a table; created on first use), over the app's
    /// queues: replays go to the delivery queues; the dead-letter and poison queues are only read to move their
    /// messages into the index.
    /// </summary>
    public DeadLetterStore(WebhookQueues queues, TableClient index, TimeProvider timeProvider, DeadLetterStoreOptions? options = null, PayloadStore? payloads = null)
        : this(queues, timeProvider, options, payloads)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = new DeadLetterIndex(index);
    }

    /// <summary>The index table of an app whose dead-letter queue is <paramref name="deadLetterQueueName"/>: its letters and digits.</summary>
    public static string IndexTableName(string deadLetterQueueName)
    {
        ArgumentException.ThrowIfNullOrEmpty(deadLetterQueueName);
        var name = new string([.. deadLetterQueueName.Where(char.IsAsciiLetterOrDigit)]);
        return char.IsAsciiLetter(name.FirstOrDefault()) ? name : "t" + name;
    }

    private DeadLetterStore(IReadOnlyList<QueueClient> deliveries, QueueClient deadLetter, IReadOnlyList<PoisonSource> poison, TimeProvider timeProvider, DeadLetterStoreOptions? options, PayloadStore? payloads)
    {
        _deliveries = deliveries;
        _deadLetter = deadLetter;
        _poison = poison;
        _timeProvider = timeProvider;
        _options = options ?? new DeadLetterStoreOptions();
        _payloads = payloads;
    }

    /// <summary>Creates a store over the configured queues of one account (the CLI's way in).</summary>
    /// <exception cref="ArgumentException">A queue name is invalid, or <see cref="QueueNamesOptions.Count"/> is out of range.</exception>
    public static DeadLetterStore Create(QueueServiceClient service, QueueNamesOptions names, TimeProvider? timeProvider = null, DeadLetterStoreOptions? options = null, PayloadStore? payloads = null) =>
        new(new WebhookQueues(service, names), timeProvider ?? TimeProvider.System, options, payloads);

    /// <summary>Creates an indexed store over the configured queues and index table of one account (the CLI's way in).</summary>
    public static DeadLetterStore Create(QueueServiceClient service, TableServiceClient tables, QueueNamesOptions names, TimeProvider? timeProvider = null, DeadLetterStoreOptions? options = null, PayloadStore? payloads = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(names);
        return new(new WebhookQueues(service, names), tables.GetTableClient(IndexTableName(names.DeadLetter)), timeProvider ?? TimeProvider.System, options, payloads);
    }

    /// <summary>Matching entries, newest first, one page of them.</summary>
    /// <param name="filter">Criteria; null matches everything.</param>
    /// <param name="skip">Matching entries to skip.</param>
    /// <param name="take">Page size (1 to 1000).</param>
    /// <param name="cancellationToken">Cancels the scan; held messages are still released.</param>
    public async Task<DeadLetterPage> ListAsync(DeadLetterFilter? filter = null, int skip = 0, int take = 50, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            return await IndexedListAsync(filter ?? DeadLetterFilter.None, skip, take, cancellationToken).ConfigureAwait(false);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        filter ??= DeadLetterFilter.None;
        await using var snapshot = await ScanAsync(filter, null, cancellationToken).ConfigureAwait(false);
        var matching = snapshot.Entries.Select(e => e.Entry).Where(filter.Matches).ToList();
        return new DeadLetterPage(matching.Count, skip, take, [.. matching.Skip(skip).Take(take)]);
    }

    /// <summary>The entry with this delivery id or queue message id (the newest, if a delivery was dead-lettered twice); null when none.</summary>
    public async Task<DeadLetterEntry?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            return await IndexedGetAsync(id, cancellationToken).ConfigureAwait(false);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await using var snapshot = await ScanAsync(DeadLetterFilter.None, null, cancellationToken).ConfigureAwait(false);
        var selection = DeadLetterSelection.ByIds(id);
        return snapshot.Entries.Select(e => e.Entry).FirstOrDefault(selection.Matches);
    }

    /// <summary>Counts by source, reason, status and error code, and the oldest entry's age.</summary>
    public async Task<DeadLetterStats> StatsAsync(DeadLetterFilter? filter = null, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            return await IndexedStatsAsync(filter ?? DeadLetterFilter.None, cancellationToken).ConfigureAwait(false);
        }

        filter ??= DeadLetterFilter.None;
        await using var snapshot = await ScanAsync(filter, null, cancellationToken).ConfigureAwait(false);
        var entries = snapshot.Entries.Select(e => e.Entry).Where(filter.Matches).ToList();
        var oldest = entries.Count == 0 ? (DateTimeOffset?)null : entries.Min(e => e.DeadLetteredAt);
        return new DeadLetterStats
        {
            Total = entries.Count,
            Poisoned = entries.Count(e => e.Poisoned),
            BySource = CountBy(entries, e => e.Source ?? "(unknown)"),
            ByDestination = CountBy(entries, e => e.Destination ?? "none"),
            ByReason = CountBy(entries, e => e.Reason),
            ByStatus = CountBy(entries, e => e.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"),
            ByErrorCode = CountBy(entries, e => e.ErrorCode ?? "none"),
            Oldest = oldest,
            OldestAge = oldest is null ? null : _timeProvider.GetUtcNow() - oldest.Value,
        };
    }

    /// <summary>Writes every matching entry, full record included, as one JSON object per line (JSONL), newest first.</summary>
    /// <returns>How many entries were written.</returns>
    public async Task<int> ExportAsync(Stream destination, DeadLetterFilter? filter = null, IProgress<DeadLetterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            ArgumentNullException.ThrowIfNull(destination);
            return await IndexedExportAsync(destination, filter ?? DeadLetterFilter.None, progress, cancellationToken).ConfigureAwait(false);
        }

        ArgumentNullException.ThrowIfNull(destination);
        filter ??= DeadLetterFilter.None;
        await using var snapshot = await ScanAsync(filter, progress, cancellationToken).ConfigureAwait(false);
        var entries = snapshot.Entries.Select(e => e.Entry).Where(filter.Matches).ToList();
        var written = 0;
        foreach (var entry in entries)
        {
            await JsonSerializer.SerializeAsync(destination, entry, DeadLetterJsonContext.Default.DeadLetterEntry, cancellationToken).ConfigureAwait(false);
            destination.WriteByte((byte)'\n');
            written++;
            progress?.Report(new DeadLetterProgress("export", written, entries.Count));
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// Puts selected entries back on the delivery queue they came from (<see cref="DeadLetterRecord.OriginQueue"/>,
    /// or the poison queue's own delivery queue; queue 0 when that is not a current delivery queue): same delivery id, attempts reset (<c>Attempt = 0</c>,
    /// <c>Attempts</c> cleared), <c>ReplayCount + 1</c>, never expiring. An entry is deleted only after its
    /// replacement was queued; if that delete fails the outcome says so and the entry stays. A claim-check body
    /// blob is kept: the replayed delivery reads it.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(DeadLetterSelection selection, ReplayOptions? options = null, IProgress<DeadLetterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            ArgumentNullException.ThrowIfNull(selection);
            selection.EnsureBounded();
            return await IndexedReplayAsync(selection, options ?? new ReplayOptions(), progress, cancellationToken).ConfigureAwait(false);
        }

        ArgumentNullException.ThrowIfNull(selection);
        selection.EnsureBounded();
        options ??= new ReplayOptions();
        await using var snapshot = await ScanAsync(selection.Filter, progress, cancellationToken).ConfigureAwait(false);
        var selected = snapshot.Entries.Where(e => selection.Matches(e.Entry)).ToList();
        var pacer = new ReplayPacer(options.RatePerSecond, _timeProvider);
        var items = new List<ReplayItem>(selected.Count);
        foreach (var (read, scan) in selected)
        {
            var entry = ReplayEnvelope.Retarget(read, options.ToDestination);
            ReplayItem item;
            if (entry.Record.Envelope is null)
            {
                item = Item(entry, ReplayOutcomes.Skipped, "The message holds no readable envelope; inspect it with show or export, then purge it.");
            }
            else if (options.DryRun)
            {
                item = Item(entry, ReplayOutcomes.WouldReplay);
            }
            else
            {
                await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
                item = await ReplayOneAsync(entry, scan, cancellationToken).ConfigureAwait(false);
            }

            items.Add(item);
            progress?.Report(new DeadLetterProgress("replay", items.Count, selected.Count));
        }

        return new ReplayResult(options.DryRun, items);
    }

    /// <summary>
    /// Deletes the selected entries and, once an entry is deleted, its claim-check body (when the store has a
    /// <see cref="PayloadStore"/> and no entry left behind references the same blob). A body that cannot be deleted
    /// is reported in <see cref="PurgeResult.PayloadFailures"/>; the entry stays purged.
    /// </summary>
    public Task<PurgeResult> PurgeAsync(DeadLetterSelection selection, IProgress<DeadLetterProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PurgeAsync(selection, budget: null, progress, cancellationToken);

    /// <summary>
    /// Like <see cref="PurgeAsync(DeadLetterSelection, IProgress{DeadLetterProgress}?, CancellationToken)"/>, doing at most
    /// what <paramref name="budget"/> allows (indexed stores, selection by filter); the result's continuation goes on.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(DeadLetterSelection selection, DeadLetterBudget? budget, IProgress<DeadLetterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            ArgumentNullException.ThrowIfNull(selection);
            selection.EnsureBounded();
            return await IndexedPurgeAsync(selection, budget, progress, cancellationToken).ConfigureAwait(false);
        }

        ArgumentNullException.ThrowIfNull(selection);
        selection.EnsureBounded();
        await using var snapshot = await ScanAsync(selection.Filter, progress, cancellationToken).ConfigureAwait(false);
        var selected = snapshot.Entries.Where(e => selection.Matches(e.Entry)).ToList();
        var stillReferenced = snapshot.Entries
            .Where(e => !selection.Matches(e.Entry))
            .Select(e => e.Entry.Record.Envelope?.BodyRef)
            .OfType<BodyReference>()
            .ToHashSet();
        var failures = new List<ReplayItem>();
        var payloadFailures = new List<ReplayItem>();
        var payloadsDeleted = 0;
        var done = 0;
        foreach (var (entry, scan) in selected)
        {
            var deleted = false;
            try
            {
                await scan.Queue.DeleteMessageAsync(entry.MessageId, scan.PopReceiptOf(entry.MessageId), cancellationToken).ConfigureAwait(false);
                deleted = true;
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
            {
                failures.Add(Item(entry, ReplayOutcomes.Failed, $"Delete failed ({StorageFailures.Describe(ex)}): another reader may have taken it."));
            }

            scan.Forget(entry.MessageId);
            if (deleted && _payloads is not null && entry.Record.Envelope?.BodyRef is { } body && !stillReferenced.Contains(body))
            {
                var (removed, failure) = await DeletePayloadAsync(_payloads, entry, body).ConfigureAwait(false);
                payloadsDeleted += removed ? 1 : 0;
                if (failure is not null)
                {
                    payloadFailures.Add(failure);
                }
            }

            done++;
            progress?.Report(new DeadLetterProgress("purge", done, selected.Count));
        }

        return new PurgeResult(selected.Count, selected.Count - failures.Count, failures)
        {
            PayloadsDeleted = payloadsDeleted,
            PayloadFailures = payloadFailures,
        };
    }

    /// <summary>Deletes every entry matching <paramref name="filter"/>.</summary>
    public Task<PurgeResult> PurgeAsync(DeadLetterFilter filter, IProgress<DeadLetterProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PurgeAsync(DeadLetterSelection.Matching(filter), progress, cancellationToken);

    /// <summary>
    /// Depth (approximate message count) and age of the first visible message of every delivery queue (index order),
    /// the dead-letter queue, then every poison queue (same order). Reads metadata and peeks one message per queue:
    /// receives nothing, hides nothing. With an index, the dead-letter line counts the index's records (from its
    /// counters) plus any message still waiting in the queue, so depth metrics and <c>queues</c> keep their meaning.
    /// </summary>
    public async Task<IReadOnlyList<QueueStats>> QueueStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var queues = _deliveries.Select(q => (QueueRoles.Deliveries, q))
            .Append((QueueRoles.DeadLetter, _deadLetter))
            .Concat(_poison.Select(p => (QueueRoles.Poison, p.Queue)));
        var stats = new List<QueueStats>();
        foreach (var (role, queue) in queues)
        {
            var queueStats = await StatsOfAsync(role, queue, now, cancellationToken).ConfigureAwait(false);
            stats.Add(role == QueueRoles.DeadLetter && _index is not null
                ? await WithIndexedAsync(queueStats, now, cancellationToken).ConfigureAwait(false)
                : queueStats);
        }

        return stats;
    }

    private Task<DeadLetterSnapshot> ScanAsync(DeadLetterFilter filter, IProgress<DeadLetterProgress>? progress, CancellationToken cancellationToken) =>
        DeadLetterSnapshot.TakeAsync(_deadLetter, _poison, filter, _options, _timeProvider.GetUtcNow(), progress, cancellationToken);

    // Back where it came from (keeps per-key affinity), when that is one of today's delivery queues; else queue 0.
    private QueueClient ReplayTargetOf(DeadLetterEntry entry) =>
        _deliveries.FirstOrDefault(q => string.Equals(q.Name, entry.Record.OriginQueue, StringComparison.Ordinal)) ?? _deliveries[0];

    // The entry is gone: its body goes too, even if the caller cancels now. Failure leaves it to the lifecycle rule.
    private static async Task<(bool Removed, ReplayItem? Failure)> DeletePayloadAsync(PayloadStore payloads, DeadLetterEntry entry, BodyReference body)
    {
        try
        {
            return (await payloads.DeleteAsync(body, CancellationToken.None).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex) || ex is ArgumentException)
        {
            var why = ex is ArgumentException ? ex.Message : StorageFailures.Describe(ex);
            return (false, Item(entry, ReplayOutcomes.Failed, $"Entry purged, but deleting its body blob {body.Container}/{body.Blob} failed ({why}); the container's lifecycle rule removes it later."));
        }
    }

    private async Task<ReplayItem> ReplayOneAsync(DeadLetterEntry entry, QueueScan scan, CancellationToken cancellationToken)
    {
        // Prove the message is still ours (another reader may have taken it if the scan outlived its visibility)
        // and keep it hidden for the replay itself; the update returns the pop receipt for the final delete.
        try
        {
            var receipt = await scan.Queue.UpdateMessageAsync(entry.MessageId, scan.PopReceiptOf(entry.MessageId), (BinaryData?)null, _options.ScanVisibilityTimeout, cancellationToken).ConfigureAwait(false);
            scan.Renewed(entry.MessageId, receipt.Value);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            scan.Forget(entry.MessageId);
            return Item(entry, ReplayOutcomes.Failed, $"Another reader took or deleted the entry ({StorageFailures.Describe(ex)}); nothing was queued.");
        }

        try
        {
            var replacement = ReplayEnvelope.From(entry.Record.Envelope!, _timeProvider.GetUtcNow());
            await ReplayTargetOf(entry).SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(replacement)), null, StorageNames.NeverExpires, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            return Item(entry, ReplayOutcomes.Failed, $"Queuing the replay failed ({StorageFailures.Describe(ex)}); the entry is kept.");
        }

        // The replacement is queued: delete the entry even if the caller cancels now, so the two stay together.
        try
        {
            await scan.Queue.DeleteMessageAsync(entry.MessageId, scan.PopReceiptOf(entry.MessageId), CancellationToken.None).ConfigureAwait(false);
            scan.Forget(entry.MessageId);
            return Item(entry, ReplayOutcomes.Replayed);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
        {
            return Item(entry, ReplayOutcomes.RecordKept, $"Queued again, but deleting the entry failed ({StorageFailures.Describe(ex)}); replaying it again would deliver twice.");
        }
    }

    private static async Task<QueueStats> StatsOfAsync(string role, QueueClient queue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        QueueProperties properties;
        try
        {
            properties = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new QueueStats(role, queue.Name, Exists: false, 0, null);
        }

        var peeked = (await queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false)).Value;
        var inserted = peeked.Length > 0 ? peeked[0].InsertedOn : null;
        return new QueueStats(role, queue.Name, Exists: true, properties.ApproximateMessagesCount, inserted)
        {
            OldestAge = inserted is null ? null : now - inserted.Value,
        };
    }

    private static Dictionary<string, int> CountBy(List<DeadLetterEntry> entries, Func<DeadLetterEntry, string> key) =>
        entries.GroupBy(key, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    private static ReplayItem Item(DeadLetterEntry entry, string outcome, string? detail = null) =>
        new(entry.Id, entry.MessageId, entry.Source, entry.Poisoned, outcome, detail) { Destination = entry.Destination };
}
