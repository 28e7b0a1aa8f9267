using System.Collections.Concurrent;
using Webhooks.Configuration;

namespace Webhooks.Intake;

/// <summary>
/// Per-source token buckets on the injected <see cref="TimeProvider"/> (the framework's limiters keep their own
/// clock, which tests cannot move). A bucket is rebuilt when its source's limit changes.
/// </summary>
public sealed class SourceRateLimiter(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes one permit; when none is left returns false and how long until one will be.</summary>
    public bool TryAcquire(string source, RateLimitOptions? limit, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limit is null || limit.PermitsPerSecond <= 0)
        {
            return true;
        }

        var capacity = Math.Max(1, limit.Burst ?? (int)Math.Ceiling(limit.PermitsPerSecond));
        var bucket = _buckets.AddOrUpdate(
            source,
            _ => new TokenBucket(limit.PermitsPerSecond, capacity, timeProvider.GetTimestamp()),
            (_, existing) => existing.Matches(limit.PermitsPerSecond, capacity)
                ? existing
                : new TokenBucket(limit.PermitsPerSecond, capacity, timeProvider.GetTimestamp()));
        return bucket.TryTake(timeProvider, out retryAfter);
    }

    private sealed class TokenBucket(double ratePerSecond, int capacity, long startTimestamp)
    {
        private readonly Lock _gate = new();
        private double _tokens = capacity;
        private long _lastRefill = startTimestamp;

        public bool Matches(double rate, int cap) => rate.Equals(ratePerSecond) && cap == capacity;

        public bool TryTake(TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(_lastRefill, now).TotalSeconds;
                _tokens = Math.Min(capacity, _tokens + (elapsed * ratePerSecond));
                _lastRefill = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
                return false;
            }
        }
    }
}
