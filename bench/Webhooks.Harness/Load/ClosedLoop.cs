using System.Diagnostics;

namespace Webhooks.Harness.Load;

/// <summary>
/// Runs an operation from a fixed number of concurrent callers, each starting its next call when the previous one
/// ends (a closed loop), for a bounded time and count. Calls that start during the warm-up are not measured.
/// </summary>
public static class ClosedLoop
{
    /// <summary>Runs the loop.</summary>
    /// <param name="operation">One call; returns the HTTP status (or any outcome code), throws on a transport failure.</param>
    /// <param name="options">Concurrency, warm-up, duration and count bounds.</param>
    /// <param name="cancellationToken">Stops the loop early.</param>
    public static async Task<LoopResult> RunAsync(Func<long, CancellationToken, Task<int>> operation, LoopOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var warmupEnds = options.Warmup;
        var measureEnds = options.Warmup + options.Duration;
        long sequence = -1;
        long measured = 0;
        var callers = new CallerRecord[options.Concurrency];

        async Task CallerAsync(CallerRecord record)
        {
            while (!cancellationToken.IsCancellationRequested && clock.Elapsed < measureEnds)
            {
                var started = clock.Elapsed;
                var inWindow = started >= warmupEnds;
                if (inWindow && Interlocked.Increment(ref measured) > options.MaxOperations)
                {
                    return;
                }

                var id = Interlocked.Increment(ref sequence);
                int outcome;
                try
                {
                    outcome = await operation(id, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    outcome = LoopResult.TransportFailure;
                    record.LastError ??= ex.GetType().Name + ": " + ex.Message;
                }

                var ended = clock.Elapsed;
                if (inWindow)
                {
                    record.Add(outcome, (ended - started).Ticks, ended);
                }
            }
        }

        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = new CallerRecord();
        }

        await Task.WhenAll(callers.Select(c => Task.Run(() => CallerAsync(c), CancellationToken.None)));
        return LoopResult.Merge(callers, options.Warmup, clock.Elapsed);
    }
}

/// <summary>How a closed loop runs.</summary>
/// <param name="Concurrency">Callers in flight at once.</param>
/// <param name="Duration">The measured time after the warm-up (an upper bound when <paramref name="MaxOperations"/> is reached first).</param>
/// <param name="Warmup">Unmeasured time first (JIT, connection pools, Azurite caches).</param>
/// <param name="MaxOperations">At most this many measured calls.</param>
public sealed record LoopOptions(int Concurrency, TimeSpan Duration, TimeSpan Warmup, long MaxOperations = long.MaxValue);

/// <summary>One caller's measurements, merged at the end (no shared lock on the hot path).</summary>
internal sealed class CallerRecord
{
    public List<long> LatencyTicks { get; } = [];

    public Dictionary<int, long> Outcomes { get; } = [];

    public TimeSpan LastEnded { get; private set; }

    public string? LastError { get; set; }

    public void Add(int outcome, long latencyTicks, TimeSpan ended)
    {
        LatencyTicks.Add(latencyTicks);
        Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
        if (ended > LastEnded)
        {
            LastEnded = ended;
        }
    }
}
