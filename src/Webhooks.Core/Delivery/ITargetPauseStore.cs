namespace Webhooks.Delivery;

/// <summary>
/// Where paused targets and their held deliveries live, shared by every instance of the app (the Functions app
/// scales out) and surviving restarts. Writes of a pause are conditional on its <see cref="TargetPauseRecord.Version"/>,
/// so two instances never both claim one probe.
/// </summary>
public interface ITargetPauseStore
{
    /// <summary>Every paused target.</summary>
    Task<IReadOnlyList<TargetPauseRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The pause of <paramref name="source"/>'s target, or null when it is not paused.</summary>
    Task<TargetPauseRecord?> GetAsync(string source, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="record"/> when its version is null, else replaces the stored one if that still has this
    /// version. Returns the stored record with its new version, or null when another writer got there first (or
    /// removed it).
    /// </summary>
    Task<TargetPauseRecord?> TryWriteAsync(TargetPauseRecord record, CancellationToken cancellationToken);

    /// <summary>Removes the pause and every held marker of <paramref name="source"/>; returns the markers of the removed pause, or null when it was not paused.</summary>
    Task<int?> DeleteAsync(string source, CancellationToken cancellationToken);

    /// <summary>Records that delivery <paramref name="deliveryId"/> is held by the pause begun at <paramref name="pausedAt"/> (idempotent).</summary>
    Task MarkHeldAsync(string source, string deliveryId, DateTimeOffset pausedAt, CancellationToken cancellationToken);

    /// <summary>Forgets the held marker of <paramref name="deliveryId"/> (it goes out now); nothing when there is none.</summary>
    Task UnmarkHeldAsync(string source, string deliveryId, CancellationToken cancellationToken);

    /// <summary>How many distinct deliveries the pause begun at <paramref name="pausedAt"/> holds.</summary>
    Task<int> CountHeldAsync(string source, DateTimeOffset pausedAt, CancellationToken cancellationToken);
}
