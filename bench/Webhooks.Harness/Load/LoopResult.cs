namespace Webhooks.Harness.Load;

/// <summary>What a closed loop measured.</summary>
public sealed class LoopResult
{
    /// <summary>The outcome recorded for a call that threw (connection refused, reset, timeout).</summary>
    public const int TransportFailure = 0;

    /// <summary>Measured calls.</summary>
    public long Operations { get; init; }

    /// <summary>From the end of the warm-up to the last measured call's end.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Calls by outcome (HTTP status; 0 = transport failure).</summary>
    public IReadOnlyDictionary<int, long> Outcomes { get; init; } = new Dictionary<int, long>();

    /// <summary>Latency percentiles in milliseconds.</summary>
    public double P50Ms { get; init; }

    /// <summary>The 99th percentile latency in milliseconds.</summary>
    public double P99Ms { get; init; }

    /// <summary>The slowest call in milliseconds.</summary>
    public double MaxMs { get; init; }

    /// <summary>One example transport failure, if any.</summary>
    public string? FirstError { get; init; }

    /// <summary>Calls per second.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;

    /// <summary>Calls with this outcome.</summary>
    public long Count(int outcome) => Outcomes.GetValueOrDefault(outcome);

    internal static LoopResult Merge(IReadOnlyList<CallerRecord> callers, TimeSpan measureStart, TimeSpan end)
    {
        var latencies = callers.SelectMany(c => c.LatencyTicks).ToArray();
        Array.Sort(latencies);
        var outcomes = new Dictionary<int, long>();
        foreach (var (outcome, count) in callers.SelectMany(c => c.Outcomes))
        {
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
        }

        var lastEnded = callers.Count > 0 ? callers.Max(c => c.LastEnded) : end;
        return new LoopResult
        {
            Operations = latencies.Length,
            Elapsed = latencies.Length > 0 ? lastEnded - measureStart : TimeSpan.Zero,
            Outcomes = outcomes,
            P50Ms = Percentile(latencies, 0.50),
            P99Ms = Percentile(latencies, 0.99),
            MaxMs = latencies.Length > 0 ? TimeSpan.FromTicks(latencies[^1]).TotalMilliseconds : 0,
            FirstError = callers.Select(c => c.LastError).FirstOrDefault(e => e is not null),
        };
    }

    /// <summary>Nearest-rank percentile of sorted tick values, in milliseconds.</summary>
    internal static double Percentile(long[] sortedTicks, double quantile)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(quantile * sortedTicks.Length) - 1;
        return TimeSpan.FromTicks(sortedTicks[Math.Clamp(rank, 0, sortedTicks.Length - 1)]).TotalMilliseconds;
    }
}
