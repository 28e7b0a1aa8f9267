using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Reconciliation;
using Webhooks.Harness.Targets;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// Memory under a mixed load for a fixed time: intake (mostly valid deliveries, some refused: 401, 400, 404) and the
/// workers delivering to a loopback target that answers the reconciliation mix, all in the real host process, whose
/// resident memory is sampled every second.
/// </summary>
public static class MemoryScenario
{
    /// <summary>Runs the load and samples the host.</summary>
    public static async Task<MemoryReport> RunAsync(MemoryOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var reconcile = new ReconciliationOptions(Seed: options.Seed);
        await using var target = await LoopbackTarget.StartAsync((id, call) => DeliveryPlan.For(id, options.Seed).Answer(call, reconcile.WorkerTimeout * 2.5), cancellationToken);
        var settings = ReconciliationRun.HostSettings(reconcile, azurite.ConnectionString, target.Url);
        await using var host = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, FreePorts.Take(1)[0], settings), cancellationToken);
        log.WriteLine($"Memory run: host pid {host.Pid} on {host.BaseAddress}, {options.Duration.TotalSeconds} s at concurrency {options.Concurrency}");

        var valid = new SignedDeliveries(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, "mem", TimeProvider.System);
        var forged = new SignedDeliveries(BenchSettings.Source, "whsec_" + Convert.ToBase64String(new byte[32]), options.BodyBytes, "mem-forged", TimeProvider.System);
        var unknown = new SignedDeliveries("no-such-source", BenchSettings.Secret, options.BodyBytes, "mem-unknown", TimeProvider.System);
        var notJson = "this is not json"u8.ToArray();
        using var http = LoadHttp.Create(host.BaseAddress, options.Concurrency);

        long accepted = 0;
        async Task<int> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var status = await LoadHttp.SendAsync(http, request, ct);
            if (status == 202)
            {
                Interlocked.Increment(ref accepted);
            }

            return status;
        }

        await using var sampler = new RssSampler(host, TimeSpan.FromSeconds(1), () => Interlocked.Read(ref accepted), () => target.Successes);
        sampler.Start(log, TimeSpan.FromSeconds(30));
        var loop = await ClosedLoop.RunAsync(
            (n, ct) => (n % 20) switch
            {
                0 => SendAsync(forged.Create(forged.IdFor(n)), ct),
                1 => SendAsync(valid.Create(valid.IdFor(n), notJson), ct),
                2 => SendAsync(unknown.Create(unknown.IdFor(n)), ct),
                _ => SendAsync(valid.Create(valid.IdFor(n)), ct),
            },
            new LoopOptions(options.Concurrency, options.Duration, TimeSpan.Zero),
            cancellationToken);
        var samples = await sampler.StopAsync();
        if (host.HasExited)
        {
            log.WriteLine($"The host exited with code {host.ExitCode}. Its last output:\n{host.OutputTail()}");
        }

        return new MemoryReport(options, loop, samples, target.Successes, !host.HasExited);
    }
}

/// <summary>Settings of a memory run.</summary>
/// <param name="Duration">How long the load runs (10 minutes for the recorded run, 30 s for smoke).</param>
/// <param name="Concurrency">Intake requests in flight.</param>
/// <param name="BodyBytes">Body size.</param>
/// <param name="Seed">The target script seed.</param>
public sealed record MemoryOptions(TimeSpan Duration, int Concurrency = 8, int BodyBytes = 1024, int Seed = 8);

/// <summary>What a memory run saw.</summary>
public sealed record MemoryReport(MemoryOptions Options, LoopResult Intake, IReadOnlyList<RssSample> Samples, long Delivered, bool HostAlive)
{
    /// <summary>The goal: peak below 300 MB (10^6 bytes each, the stricter reading: about 286 MiB).</summary>
    public const long PeakGoalBytes = 300_000_000;

    /// <summary>When the baseline is taken: minute 2, or a fifth of a shorter run.</summary>
    public double BaselineSeconds => Math.Min(120, Options.Duration.TotalSeconds / 5);

    /// <summary>Highest RSS.</summary>
    public long PeakBytes => Samples.Count == 0 ? 0 : Samples.Max(s => s.RssBytes);

    /// <summary>Mean RSS over the 10 s from the baseline time.</summary>
    public long BaselineBytes => MeanRss(BaselineSeconds, BaselineSeconds + 10);

    /// <summary>Mean RSS over the last 10 s.</summary>
    public long EndBytes => Samples.Count == 0 ? 0 : MeanRss(Samples[^1].Seconds - 10, Samples[^1].Seconds + 1);

    /// <summary>End minus baseline.</summary>
    public long GrowthBytes => EndBytes - BaselineBytes;

    /// <summary>Flat: growth within 5 % of the baseline (at least 8 MiB of slack for noise).</summary>
    public bool Flat => GrowthBytes <= Math.Max(8L * 1024 * 1024, BaselineBytes / 20);

    /// <summary>Peak under the goal, flat, host alive.</summary>
    public bool Passed => PeakBytes < PeakGoalBytes && Flat && HostAlive;

    private long MeanRss(double from, double to)
    {
        var window = Samples.Where(s => s.Seconds >= from && s.Seconds < to).ToList();
        return window.Count == 0 ? 0 : (long)window.Average(s => s.RssBytes);
    }
}
