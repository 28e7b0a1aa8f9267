using Webhooks.Harness.Measuring;

namespace Webhooks.Harness.Load;

/// <summary>Runs one scenario: an unmeasured warm-up loop, then the measured loop with CPU metered around it.</summary>
public static class Measure
{
    /// <summary>Warms up, measures, and returns the loop's numbers with the CPU each process spent per call.</summary>
    public static async Task<ScenarioResult> ClosedLoopAsync(
        string name,
        Func<long, CancellationToken, Task<int>> operation,
        LoopOptions options,
        ProcessMeter? host,
        ProcessMeter? azurite,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Warmup > TimeSpan.Zero)
        {
            await ClosedLoop.RunAsync(operation, options with { Duration = options.Warmup, Warmup = TimeSpan.Zero, MaxOperations = long.MaxValue }, cancellationToken);
        }

        var window = new ResourceWindow(host, azurite);
        window.Start();
        var loop = await ClosedLoop.RunAsync(operation, options with { Warmup = TimeSpan.Zero }, cancellationToken);
        return new ScenarioResult(name, loop, window.Stop(loop.Operations));
    }
}

/// <summary>One measured scenario.</summary>
/// <param name="Name">What ran.</param>
/// <param name="Loop">Throughput, latency and outcomes.</param>
/// <param name="Resources">CPU per call by process, machine load, host memory.</param>
public sealed record ScenarioResult(string Name, LoopResult Loop, ResourceUse Resources);
