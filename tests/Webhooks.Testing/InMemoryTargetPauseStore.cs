using Webhooks.Delivery;

namespace Webhooks.Testing;

/// <summary>
/// The pause store in memory, for unit tests: the same contract as the table store (versions change on every write;
/// writes with a stale version lose), so registries built over one instance behave like hosts sharing one table.
/// </summary>
public sealed class InMemoryTargetPauseStore : ITargetPauseStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, TargetPauseRecord> _pauses = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _held = new(StringComparer.OrdinalIgnoreCase);
    private long _version;

    /// <summary>Calls made to the store, for tests that check a path costs no storage call.</summary>
    public int Calls { get; private set; }

    /// <summary>When set, every call throws it (storage out of reach).</summary>
    public Exception? Failure { get; set; }

    /// <inheritdoc />
    public Task<IReadOnlyList<TargetPauseRecord>> ListAsync(CancellationToken cancellationToken) =>
        Run<IReadOnlyList<TargetPauseRecord>>(() => _pauses.Values.ToList());

    /// <inheritdoc />
    public Task<TargetPauseRecord?> GetAsync(string source, CancellationToken cancellationToken) =>
        Run(() => _pauses.GetValueOrDefault(source));

    /// <inheritdoc />
    public Task<TargetPauseRecord?> TryWriteAsync(TargetPauseRecord record, CancellationToken cancellationToken) => Run(() =>
    {
        var current = _pauses.GetValueOrDefault(record.Source);
        if (current?.Version != record.Version)
        {
            return null;
        }

        var written = record with { Version = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        _pauses[record.Source] = written;
        return written;
    });

    /// <inheritdoc />
    public Task<int?> DeleteAsync(string source, CancellationToken cancellationToken) => Run(() =>
    {
        var held = _held.Remove(source, out var markers) ? markers : [];
        if (!_pauses.Remove(source, out var pause))
        {
            return (int?)null;
        }

        return held.Values.Count(at => at == pause.PausedAt);
    });

    /// <inheritdoc />
    public Task MarkHeldAsync(string source, string deliveryId, DateTimeOffset pausedAt, CancellationToken cancellationToken) => Run(() =>
    {
        if (!_held.TryGetValue(source, out var markers))
        {
            _held[source] = markers = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }

        markers[deliveryId] = pausedAt;
        return true;
    });

    /// <inheritdoc />
    public Task UnmarkHeldAsync(string source, string deliveryId, CancellationToken cancellationToken) =>
        Run(() => _held.TryGetValue(source, out var markers) && markers.Remove(deliveryId));

    /// <inheritdoc />
    public Task<int> CountHeldAsync(string source, DateTimeOffset pausedAt, CancellationToken cancellationToken) =>
        Run(() => _held.TryGetValue(source, out var markers) ? markers.Values.Count(at => at == pausedAt) : 0);

    private Task<T> Run<T>(Func<T> action)
    {
        lock (_gate)
        {
            Calls++;
            return Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(action());
        }
    }
}
