using Azure;
using Azure.Data.Tables;

namespace Webhooks.Delivery;

/// <summary>
/// The pause store in an Azure Storage table (Webhooks:Queues:Pauses): one entity per paused target in partition
/// <c>pause</c>, and one marker entity per held delivery in partition <c>held-&lt;source&gt;</c>, so the held count is
/// the number of distinct deliveries, however often each was requeued. Times are kept as ticks: they name a pause
/// exactly, whatever precision the service keeps for dates.
/// </summary>
public sealed class TableTargetPauseStore(TableClient table) : ITargetPauseStore, IDisposable
{
    private const string PausePartition = "pause";
    private const string HeldPartitionPrefix = "held-";
    private const int MaxTransactionActions = 100;

    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    /// <inheritdoc />
    public void Dispose() => _createGate.Dispose();

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetPauseRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<TargetPauseRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PausePartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(ToRecord(entity));
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<TargetPauseRecord?> GetAsync(string source, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(PausePartition, SourceKey(source), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? ToRecord(found.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<TargetPauseRecord?> TryWriteAsync(TargetPauseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(record);
        try
        {
            var response = record.Version is null
                ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, new ETag(record.Version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return record with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null; // added, changed or removed by another writer since it was read
        }
    }

    /// <inheritdoc />
    public async Task<int?> DeleteAsync(string source, CancellationToken cancellationToken)
    {
        var pause = await GetAsync(source, cancellationToken).ConfigureAwait(false);
        var markers = 0;
        var batch = new List<TableTransactionAction>(MaxTransactionActions);
        await foreach (var marker in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {HeldPartition(source)}"), select: ["PartitionKey", "RowKey", "PausedAtTicks"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (pause is not null && marker.GetInt64("PausedAtTicks") == pause.PausedAt.UtcTicks)
            {
                markers++;
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, marker, ETag.All));
            if (batch.Count == MaxTransactionActions)
            {
                await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }

        await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
        if (pause is null)
        {
            return null;
        }

        // The SDK answers a missing entity with 404 rather than throwing: another instance resumed it meanwhile.
        var deleted = await table.DeleteEntityAsync(PausePartition, SourceKey(source), ETag.All, cancellationToken).ConfigureAwait(false);
        return deleted.Status == 404 ? null : markers;
    }

    /// <inheritdoc />
    public async Task MarkHeldAsync(string source, string deliveryId, DateTimeOffset pausedAt, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var marker = new TableEntity(HeldPartition(source), Key(deliveryId)) { ["PausedAtTicks"] = pausedAt.UtcTicks };
        await table.UpsertEntityAsync(marker, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UnmarkHeldAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        // A delivery never held, or released already, is no error (the SDK does not throw for a missing entity).
        await table.DeleteEntityAsync(HeldPartition(source), Key(deliveryId), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> CountHeldAsync(string source, DateTimeOffset pausedAt, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var partition = HeldPartition(source);
        var ticks = pausedAt.UtcTicks;
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and PausedAtTicks eq {ticks}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    // Keys may not hold / \ # ? or control characters; escaping keeps them readable and unique. Source names are
    // case-insensitive, so their key is lowercased.
    private static string Key(string value) => Uri.EscapeDataString(value);

    private static string SourceKey(string source) => Key(source.ToLowerInvariant());

    private static string HeldPartition(string source) => HeldPartitionPrefix + SourceKey(source);

    private static TableEntity ToEntity(TargetPauseRecord record) => new(PausePartition, SourceKey(record.Source))
    {
        ["Source"] = record.Source,
        ["Reason"] = record.Reason,
        ["Status"] = record.Status,
        ["PausedAtTicks"] = record.PausedAt.UtcTicks,
        ["NextProbeAtTicks"] = record.NextProbeAt.UtcTicks,
        ["PausedAt"] = record.PausedAt, // for people reading the table; the ticks are what counts
    };

    private static TargetPauseRecord ToRecord(TableEntity entity) => new(
        entity.GetString("Source") ?? Uri.UnescapeDataString(entity.RowKey),
        entity.GetString("Reason") ?? string.Empty,
        entity.GetInt32("Status"),
        new DateTimeOffset(entity.GetInt64("PausedAtTicks") ?? 0, TimeSpan.Zero),
        new DateTimeOffset(entity.GetInt64("NextProbeAtTicks") ?? 0, TimeSpan.Zero))
    {
        Version = entity.ETag.ToString(),
    };

    private async Task SubmitAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException)
        {
            // One marker went already (another instance resuming, or a probe releasing it): delete the rest one by one.
            foreach (var action in batch)
            {
                await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
        }

        batch.Clear();
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }
}
