namespace Webhooks.DeadLetters;

/// <summary>Spaces replays so at most <c>rate</c> messages per second go back on the deliveries queue.</summary>
internal sealed class ReplayPacer(double? ratePerSecond, TimeProvider timeProvider)
{
    private readonly TimeSpan _interval = ratePerSecond is > 0 ? TimeSpan.FromSeconds(1 / ratePerSecond.Value) : TimeSpan.Zero;
    private long? _last;

    /// <summary>Waits until the next message may go; the first goes at once.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_interval == TimeSpan.Zero)
        {
            return;
        }

        if (_last is { } last)
        {
            var wait = _interval - timeProvider.GetElapsedTime(last);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        _last = timeProvider.GetTimestamp();
    }
}
