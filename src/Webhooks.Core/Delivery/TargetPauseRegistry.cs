using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;

namespace Webhooks.Delivery;

/// <summary>
/// Which targets are paused after an account-level failure (401, 402, 403, 451, or no token for a bearer target).
/// </summary>
/// <remarks>
/// While a target is paused its deliveries are held: requeued until the next probe without counting an attempt,
/// so thousands of deliveries wait instead of being dead-lettered. Once per
/// <see cref="DeliveryOptions.PauseProbeInterval"/> one delivery is let through as a probe; any answer that is not
/// account-level resumes the target, another account-level answer keeps it paused for one more interval. Operators
/// resume at once with <see cref="Resume"/>. State is per process: each instance finds out on its own, at the cost
/// of one failed call. Thread-safe.
/// </remarks>
public sealed class TargetPauseRegistry(IOptionsMonitor<WebhooksOptions> options, TimeProvider timeProvider, ILogger<TargetPauseRegistry> logger)
{
    private static readonly TimeSpan MinimumHold = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Entry> _paused = new(StringComparer.OrdinalIgnoreCase);

    private TimeSpan ProbeInterval
    {
        get
        {
            var interval = options.CurrentValue.Delivery.PauseProbeInterval;
            return interval < MinimumHold ? MinimumHold : interval > Backoff.MaxQueueDelay ? Backoff.MaxQueueDelay : interval;
        }
    }

    /// <summary>Pauses <paramref name="source"/>'s target, or keeps it paused one more probe interval.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="reason">Why, in a few words without secrets.</param>
    /// <param name="status">The target's status, when it answered.</param>
    /// <returns>The time until the next probe.</returns>
    public TimeSpan Pause(string source, string reason, int? status)
    {
        var now = timeProvider.GetUtcNow();
        var interval = ProbeInterval;
        var fresh = new Entry(now);
        var entry = _paused.GetOrAdd(source, fresh);
        var created = ReferenceEquals(entry, fresh);

        lock (entry)
        {
            entry.Reason = reason;
            entry.Status = status;
            entry.NextProbeAt = now + interval;
        }

        if (created)
        {
            logger.LogError(
                "Target of source {Source} PAUSED: {Reason} (status {Status}). Its deliveries are held and one is let through every {ProbeInterval} as a probe; resume with the admin API once fixed.",
                source, reason, status, interval);
        }
        else
        {
            logger.LogWarning("Target of source {Source} still failing: {Reason} (status {Status}); next probe in {ProbeInterval}.", source, reason, status, interval);
        }

        return interval;
    }

    /// <summary>Whether a delivery to <paramref name="source"/>'s target may go now, as a probe, or must be held.</summary>
    public TargetAdmission Admit(string source)
    {
        if (!_paused.TryGetValue(source, out var entry))
        {
            return new TargetAdmission(TargetAdmissionKind.Proceed, TimeSpan.Zero);
        }

        var now = timeProvider.GetUtcNow();
        lock (entry)
        {
            if (now >= entry.NextProbeAt)
            {
                // The next probe is due one interval from now whatever this one's fate, so a probe lost in a crash
                // cannot keep the target paused for ever.
                entry.NextProbeAt = now + ProbeInterval;
                logger.LogInformation("Probing the paused target of source {Source}.", source);
                return new TargetAdmission(TargetAdmissionKind.Probe, TimeSpan.Zero);
            }

            entry.HeldCount++;
            var wait = entry.NextProbeAt - now;
            return new TargetAdmission(TargetAdmissionKind.Hold, wait < MinimumHold ? MinimumHold : wait);
        }
    }

    /// <summary>True when <paramref name="source"/>'s target is paused.</summary>
    public bool IsPaused(string source) => _paused.ContainsKey(source);

    /// <summary>Resumes <paramref name="source"/>'s target (after a good probe, or by an operator).</summary>
    /// <param name="source">The source name.</param>
    /// <param name="why">Who or what resumed it, for the log.</param>
    /// <returns>False when it was not paused.</returns>
    public bool Resume(string source, string why = "operator")
    {
        if (!_paused.TryRemove(source, out var entry))
        {
            return false;
        }

        logger.LogWarning(
            "Target of source {Source} RESUMED ({Why}) after {PausedFor}; {HeldCount} held deliveries will go out as they become visible.",
            source, why, timeProvider.GetUtcNow() - entry.PausedAt, entry.HeldCount);
        return true;
    }

    /// <summary>Every paused target, for health and the admin API.</summary>
    public IReadOnlyList<TargetPauseState> Snapshot()
    {
        var states = new List<TargetPauseState>(_paused.Count);
        foreach (var (source, entry) in _paused)
        {
            lock (entry)
            {
                states.Add(new TargetPauseState(source, entry.Reason, entry.Status, entry.PausedAt, entry.NextProbeAt, entry.HeldCount));
            }
        }

        return states.OrderBy(state => state.Source, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private sealed class Entry(DateTimeOffset pausedAt)
    {
        public DateTimeOffset PausedAt { get; } = pausedAt;

        public string Reason { get; set; } = string.Empty;

        public int? Status { get; set; }

        public DateTimeOffset NextProbeAt { get; set; }

        public long HeldCount { get; set; }
    }
}
