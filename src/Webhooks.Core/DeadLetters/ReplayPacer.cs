namespace Webhooks.DeadLetters;

/// <summary>
/// Spaces replays so at most <c>rate</c> messages per second go back on the deliveries queue. Starts follow a
/// schedule (one every 1/rate) rather than a pause after each, so timer lateness does not pile up and the rate is
/// reached; after a stall the schedule catches up by at most <see cref="MaxCatchUp"/>, never in a flood.
/// </summary>
/// <remarks>
/// Why 2 s: storage that stalls for a second or two at a time (Azurite's whole-database saves every 5 s; a throttled
/// account's back-off) would otherwise cost the replay every start it missed — with 100 ms of catch-up a replay asked
/// for 100/s ran at 45–50/s on Azurite. Making up 2 s keeps the average at the rate across such stalls, while the
/// sends in flight stay bounded by <c>ReplayConcurrency</c>, so a long outage still never turns into a flood.
/// </remarks>
internal sealed class ReplayPacer(double? ratePerSecond, TimeProvider timeProvider)
{
    /// <summary>How far behind its schedule the pacer may run before it drops the missed starts.</summary>
    public static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _interval = ratePerSecond is > 0 ? TimeSpan.FromSeconds(1 / ratePerSecond.Value) : TimeSpan.Zero;
    private readonly long _origin = timeProvider.GetTimestamp();
    private TimeSpan? _next; // when the next start is due, as time since _origin

    /// <summary>Waits until the next message may go; the first goes at once.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_interval == TimeSpan.Zero)
        {
            return;
        }

        var now = timeProvider.GetElapsedTime(_origin);
        var due = _next ?? now;
        if (due > now)
        {
            await Task.Delay(due - now, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var floor = now - MaxCatchUp;
        _next = (due > floor ? due : floor) + _interval;
    }
}
