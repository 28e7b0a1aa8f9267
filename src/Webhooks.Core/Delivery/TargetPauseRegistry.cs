using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.AzureStorage;
using Webhooks.Configuration;

namespace Webhooks.Delivery;

/// <summary>
/// Which targets are paused after an account-level failure (401, 402, 403, 451, or no token for a bearer target),
/// shared by every instance through an <see cref="ITargetPauseStore"/> (a Storage table), so a pause survives restarts
/// and scale-out.
/// </summary>
/// <remarks>
/// While a target is paused its deliveries are held: requeued without calling the target and without spending an
/// attempt, each marked in the store so the held count is exact. Once per <see cref="DeliveryOptions.PauseProbeInterval"/>
/// one delivery, across all instances (the claim is a conditional write), goes through as a probe; any answer that
/// is not account-level resumes the target, another account-level answer keeps it paused one more interval.
/// Held deliveries come back spread over one probe interval after the next probe time, so a resume releases them
/// gradually rather than all at once. Each instance reads the store at most every
/// <see cref="DeliveryOptions.PauseRefreshInterval"/>; a target not seen paused costs no storage call. Thread-safe.
/// </remarks>
public sealed class TargetPauseRegistry(ITargetPauseStore store, IOptionsMonitor<WebhooksOptions> options, TimeProvider timeProvider, ILogger<TargetPauseRegistry> logger) : IDisposable
{
    private static readonly TimeSpan MinimumHold = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private volatile View? _view;

    private TimeSpan ProbeInterval
    {
        get
        {
            var interval = options.CurrentValue.Delivery.PauseProbeInterval;
            return interval < MinimumHold ? MinimumHold : interval > Backoff.MaxQueueDelay ? Backoff.MaxQueueDelay : interval;
        }
    }

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <inheritdoc />
    public void Dispose() => _refreshGate.Dispose();

    /// <summary>Pauses <paramref name="source"/>'s target, or keeps it paused one more probe interval.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="deliveryId">The delivery that met the failure; it is held from now on.</param>
    /// <param name="reason">Why, in a few words without secrets.</param>
    /// <param name="status">The target's status, when it answered.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The time until the next probe.</returns>
    public async Task<TimeSpan> PauseAsync(string source, string deliveryId, string reason, int? status, CancellationToken cancellationToken)
    {
        var interval = ProbeInterval;
        try
        {
            // Conditional writes: another instance pausing or probing at the same moment makes us read again.
            for (var tries = 0; tries < 5; tries++)
            {
                var current = await store.GetAsync(source, cancellationToken).ConfigureAwait(false);
                var now = Now;
                var next = current is null
                    ? new TargetPauseRecord(source, reason, status, now, now + interval)
                    : current with { Reason = reason, Status = status, NextProbeAt = now + interval };
                if (await store.TryWriteAsync(next, cancellationToken).ConfigureAwait(false) is { } written)
                {
                    Remember(written);
                    LogPaused(source, reason, status, interval, created: current is null);
                    await MarkHeldAsync(source, deliveryId, written.PausedAt, cancellationToken).ConfigureAwait(false);
                    return interval;
                }
            }

            logger.LogWarning("Target of source {Source} failed again ({Reason}) while other instances kept changing its pause; it stays paused.", source, reason);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            // The table is out of reach: pause here at least, so this instance stops calling the target.
            var now = Now;
            Remember(new TargetPauseRecord(source, reason, status, _view?.Paused.GetValueOrDefault(source)?.PausedAt ?? now, now + interval));
            logger.LogError("Target of source {Source} PAUSED on this instance only: the pause table could not be written ({Error}).", source, StorageFailures.Describe(ex));
        }

        return interval;
    }

    /// <summary>Whether delivery <paramref name="deliveryId"/> to <paramref name="source"/>'s target may go now, as a probe, or must be held.</summary>
    public async Task<TargetAdmission> AdmitAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        var paused = await PausedAsync(cancellationToken).ConfigureAwait(false);
        if (!paused.TryGetValue(source, out var pause))
        {
            return new TargetAdmission(TargetAdmissionKind.Proceed, TimeSpan.Zero);
        }

        var now = Now;
        if (now >= pause.NextProbeAt)
        {
            try
            {
                // The next probe is due one interval from now whatever this one's fate, so a probe lost in a crash
                // cannot keep the target paused for ever; the write's condition lets one instance win.
                if (await store.TryWriteAsync(pause with { NextProbeAt = now + ProbeInterval }, cancellationToken).ConfigureAwait(false) is { } claimed)
                {
                    Remember(claimed);
                    await UnmarkHeldAsync(source, deliveryId, cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Probing the paused target of source {Source} with delivery {DeliveryId}.", source, deliveryId);
                    return new TargetAdmission(TargetAdmissionKind.Probe, TimeSpan.Zero);
                }

                pause = await store.GetAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
            {
                logger.LogWarning("Could not claim the probe of source {Source} ({Error}); holding.", source, StorageFailures.Describe(ex));
                return new TargetAdmission(TargetAdmissionKind.Hold, MinimumHold > ProbeInterval ? MinimumHold : ProbeInterval);
            }

            if (pause is null)
            {
                Forget(source); // resumed elsewhere
                return new TargetAdmission(TargetAdmissionKind.Proceed, TimeSpan.Zero);
            }

            Remember(pause); // another instance claimed the probe
        }

        await MarkHeldAsync(source, deliveryId, pause.PausedAt, cancellationToken).ConfigureAwait(false);
        return new TargetAdmission(TargetAdmissionKind.Hold, HoldFor(pause, Now, deliveryId));
    }

    /// <summary>
    /// True when this instance last saw <paramref name="source"/>'s target paused (no storage call): a good answer
    /// from it should then resume the target.
    /// </summary>
    public bool SeesPaused(string source) => _view?.Paused.ContainsKey(source) == true;

    /// <summary>Resumes <paramref name="source"/>'s target (after a good probe, or by an operator), on every instance.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="why">Who or what resumed it, for the log.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>False when it was not paused.</returns>
    public async Task<bool> ResumeAsync(string source, string why, CancellationToken cancellationToken)
    {
        var pausedAt = _view?.Paused.GetValueOrDefault(source)?.PausedAt;
        var held = await store.DeleteAsync(source, cancellationToken).ConfigureAwait(false);
        var local = Forget(source);
        if (held is null && !local)
        {
            return false;
        }

        logger.LogWarning(
            "Target of source {Source} RESUMED ({Why}) after {PausedFor}; {Held} held deliveries go out as they become visible, spread over one probe interval.",
            source, why, pausedAt is { } at ? Now - at : (TimeSpan?)null, held ?? 0);
        return true;
    }

    /// <summary>Every paused target with its exact held count, read from the store, for health and the admin API.</summary>
    public async Task<IReadOnlyList<TargetPauseState>> SnapshotAsync(CancellationToken cancellationToken)
    {
        var pauses = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var states = new List<TargetPauseState>(pauses.Count);
        foreach (var pause in pauses.OrderBy(p => p.Source, StringComparer.OrdinalIgnoreCase))
        {
            var held = await store.CountHeldAsync(pause.Source, pause.PausedAt, cancellationToken).ConfigureAwait(false);
            var (source, destination) = DestinationNames.ParsePauseKey(pause.Source);
            states.Add(new TargetPauseState(source, destination, pause.Reason, pause.Status, pause.PausedAt, pause.NextProbeAt, held));
        }

        _view = new View(Now, pauses.ToImmutableDictionary(p => p.Source, StringComparer.OrdinalIgnoreCase));
        return states;
    }

    /// <summary>How many targets are paused, from this instance's view (no storage call unless it is stale).</summary>
    public async Task<int> CountPausedAsync(CancellationToken cancellationToken) =>
        (await PausedAsync(cancellationToken).ConfigureAwait(false)).Count;

    // Until the next probe, plus a share of one interval fixed by the delivery id: held deliveries come back (and,
    // after a resume, go out) spread over an interval instead of in one burst, and the first back is the probe.
    private TimeSpan HoldFor(TargetPauseRecord pause, DateTimeOffset now, string deliveryId)
    {
        var wait = pause.NextProbeAt - now + SpreadOf(deliveryId, ProbeInterval);
        return wait < MinimumHold ? MinimumHold : wait > Backoff.MaxQueueDelay ? Backoff.MaxQueueDelay : wait;
    }

    /// <summary>The share of <paramref name="interval"/> a held delivery waits past the next probe: stable per id, the same on every instance.</summary>
    internal static TimeSpan SpreadOf(string deliveryId, TimeSpan interval) => TimeSpan.FromTicks((long)(interval.Ticks * Fraction(deliveryId)));

    // A stable fraction in [0, 1) from the id (FNV-1a; string.GetHashCode differs per process).
    private static double Fraction(string deliveryId)
    {
        var hash = 2166136261u;
        foreach (var c in deliveryId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash / (double)(1L << 32);
    }

    private async Task<ImmutableDictionary<string, TargetPauseRecord>> PausedAsync(CancellationToken cancellationToken)
    {
        var refresh = options.CurrentValue.Delivery.PauseRefreshInterval;
        if (_view is { } fresh && Now - fresh.ReadAt < refresh)
        {
            return fresh.Paused;
        }

        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _view;
            if (view is not null && Now - view.ReadAt < refresh)
            {
                return view.Paused;
            }

            try
            {
                var pauses = await store.ListAsync(cancellationToken).ConfigureAwait(false);
                view = new View(Now, pauses.ToImmutableDictionary(p => p.Source, StringComparer.OrdinalIgnoreCase));
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
            {
                // Keep what we saw and try again after one refresh interval; deliveries go on meanwhile.
                logger.LogWarning("Could not read the pause table ({Error}); using what this instance saw last.", StorageFailures.Describe(ex));
                view = new View(Now, view?.Paused ?? ImmutableDictionary.Create<string, TargetPauseRecord>(StringComparer.OrdinalIgnoreCase));
            }

            _view = view;
            return view.Paused;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private void Remember(TargetPauseRecord pause)
    {
        var view = _view;
        var paused = view?.Paused ?? ImmutableDictionary.Create<string, TargetPauseRecord>(StringComparer.OrdinalIgnoreCase);
        _view = new View(view?.ReadAt ?? DateTimeOffset.MinValue, paused.SetItem(pause.Source, pause));
    }

    private bool Forget(string source)
    {
        var view = _view;
        if (view is null || !view.Paused.ContainsKey(source))
        {
            return false;
        }

        _view = view with { Paused = view.Paused.Remove(source) };
        return true;
    }

    // Best effort: a marker lost to a storage hiccup only makes the held count low, never the delivery wrong.
    private async Task MarkHeldAsync(string source, string deliveryId, DateTimeOffset pausedAt, CancellationToken cancellationToken)
    {
        try
        {
            await store.MarkHeldAsync(source, deliveryId, pausedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            logger.LogWarning("Delivery {DeliveryId} is held but could not be counted ({Error}).", deliveryId, StorageFailures.Describe(ex));
        }
    }

    private async Task UnmarkHeldAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        try
        {
            await store.UnmarkHeldAsync(source, deliveryId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            logger.LogWarning("Delivery {DeliveryId} goes out as a probe but is still counted held ({Error}).", deliveryId, StorageFailures.Describe(ex));
        }
    }

    private void LogPaused(string source, string reason, int? status, TimeSpan interval, bool created)
    {
        if (created)
        {
            logger.LogError(
                "Target of source {Source} PAUSED: {Reason} (status {Status}). Its deliveries are held without spending attempts and one is let through every {ProbeInterval} as a probe; resume with the admin API once fixed.",
                source, reason, status, interval);
        }
        else
        {
            logger.LogWarning("Target of source {Source} still failing: {Reason} (status {Status}); next probe in {ProbeInterval}.", source, reason, status, interval);
        }
    }

    private sealed record View(DateTimeOffset ReadAt, ImmutableDictionary<string, TargetPauseRecord> Paused);
}
