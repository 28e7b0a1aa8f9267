using Webhooks.Configuration;

namespace Webhooks.Delivery;

/// <summary>
/// Jittered exponential backoff: the n-th retry waits about <c>BaseDelay · Factor^(n-1)</c>, capped at
/// <see cref="DeliveryOptions.MaxDelay"/>, spread by <see cref="DeliveryOptions.Jitter"/> so a burst of failures does
/// not come back as a burst. A target's Retry-After replaces the computed delay, still capped at MaxDelay, and
/// nothing exceeds <see cref="MaxQueueDelay"/>, the longest a Storage queue message can stay invisible.
/// </summary>
/// <param name="random">The jitter source; tests pass a deterministic one. Default <see cref="Random.Shared"/>.</param>
public sealed class Backoff(Random? random = null)
{
    /// <summary>The Storage queue's visibility limit (7 days).</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7);

    private readonly Random _random = random ?? Random.Shared;

    /// <summary>The delay before retrying after attempt <paramref name="attempt"/> (1-based).</summary>
    /// <param name="attempt">The attempt that just failed; values below 1 count as 1.</param>
    /// <param name="options">Base delay, factor, cap and jitter mode.</param>
    /// <param name="retryAfter">The target's Retry-After, when it sent one.</param>
    public TimeSpan NextDelay(int attempt, DeliveryOptions options, TimeSpan? retryAfter = null)
    {
        var cap = Cap(options.MaxDelay);
        if (retryAfter is { } wanted)
        {
            return Clamp(wanted, cap);
        }

        var nominal = Nominal(attempt, options);
        var delay = options.Jitter?.ToLowerInvariant() switch
        {
            "none" => nominal,
            "decorrelated" => Decorrelated(attempt, options, cap),
            _ => TimeSpan.FromTicks((long)(nominal.Ticks * _random.NextDouble())),
        };
        return Clamp(delay, cap);
    }

    /// <summary>The un-jittered delay after <paramref name="attempt"/>: <c>BaseDelay · Factor^(attempt-1)</c>, capped.</summary>
    public static TimeSpan Nominal(int attempt, DeliveryOptions options)
    {
        var cap = Cap(options.MaxDelay);
        var exponent = Math.Max(attempt, 1) - 1;
        var factor = Math.Max(options.BackoffFactor, 1.0);

        // Doubles overflow to infinity rather than wrapping, so the comparison caps huge exponents safely.
        var ticks = Math.Max(options.BaseDelay.Ticks, 0) * Math.Pow(factor, exponent);
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    // Stateless form of "decorrelated jitter": uniform between the base delay and three times the previous attempt's
    // nominal delay. The envelope does not carry the previous delay, and this keeps the spread without it.
    private TimeSpan Decorrelated(int attempt, DeliveryOptions options, TimeSpan cap)
    {
        var low = Math.Min(Math.Max(options.BaseDelay.Ticks, 0), cap.Ticks);
        var previous = attempt <= 1 ? low : Nominal(attempt - 1, options).Ticks;
        var high = Math.Min(Math.Max(previous * 3.0, low), cap.Ticks);
        return TimeSpan.FromTicks((long)(low + ((high - low) * _random.NextDouble())));
    }

    private static TimeSpan Cap(TimeSpan maxDelay) =>
        maxDelay <= TimeSpan.Zero ? TimeSpan.Zero : maxDelay < MaxQueueDelay ? maxDelay : MaxQueueDelay;

    private static TimeSpan Clamp(TimeSpan delay, TimeSpan cap) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > cap ? cap : delay;
}
