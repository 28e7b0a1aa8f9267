using System.Diagnostics;
using System.Globalization;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Reporting;
using Webhooks.Harness.Targets;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// The claim-check path under load, measured on the real host process: uniquely signed Standard Webhooks deliveries
/// with bodies far larger than a queue message (25 MiB by default) are streamed by intake into blobs and by the
/// worker from the blobs to a loopback target, which hashes each body as it drains it. The host's resident memory
/// is sampled every 100 ms from the first request until the last delivery, against an idle baseline, to show that
/// it grows with the upload buffers, not with the bodies.
/// </summary>
public static class LargeBodyScenario
{
    private const int WarmupBodyBytes = 1024;

    /// <summary>Runs the scenario.</summary>
    public static async Task<LargeBodyReport> RunAsync(LargeBodyOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var azuriteMeter = ListeningProcess.FindByPort(azurite.BlobPort) is { } azuritePid ? new ProcessMeter(azuritePid) : null;
        await using var target = await LoopbackTarget.StartAsync((_, _) => TargetAnswer.Ok, hashBodies: true, cancellationToken);
        var settings = BenchSettings.For(azurite.ConnectionString, target.Url);
        settings["Webhooks:Intake:PayloadBlockBytes"] = options.BlockBytes.ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, FreePorts.Take(1)[0], settings), cancellationToken);
        using var http = LoadHttp.Create(host.BaseAddress, options.Concurrency, options.RequestTimeout);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Large-body run: host pid {host.Pid} on {host.BaseAddress}; {options.Count} × {options.BodyBytes:N0} bytes at concurrency {options.Concurrency}, {options.BlockBytes:N0}-byte upload blocks"));

        await WarmUpAsync(http, target, options, cancellationToken);
        var (baseline, baselineSamples) = await SampleIdleAsync(host, options, cancellationToken);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  baseline host RSS {baseline / 1048576.0:F1} MiB (mean of {baselineSamples} idle samples)"));

        var signer = new SignedDeliveries(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, "large", TimeProvider.System);
        var sent = new SentBodies();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var warmupSuccesses = target.Successes;
        await using var sampler = new RssSampler(host, options.SampleInterval, () => accepted.Count, () => target.Successes - warmupSuccesses);
        var cpuStart = host.Sample()?.CpuTime ?? TimeSpan.Zero;
        var azuriteCpuStart = azuriteMeter?.TryRead()?.CpuTime;
        var started = Stopwatch.GetTimestamp();
        sampler.Start(log);

        // Each body is made, hashed and signed just before it is sent, so the load generator holds only the bodies in flight.
        var intake = await ClosedLoop.RunAsync(
            async (n, ct) =>
            {
                var id = signer.IdFor(n);
                var body = SamplePayloads.Json(options.BodyBytes, id);
                sent.Record(id, body);
                var status = await LoadHttp.SendAsync(http, signer.Create(id, body), ct);
                if (status == 202)
                {
                    accepted.Add(id);
                }

                return status;
            },
            new LoopOptions(options.Concurrency, options.SendTimeout, TimeSpan.Zero, options.Count),
            cancellationToken);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sent {intake.Operations} in {intake.Elapsed.TotalSeconds:F1} s: {MarkdownTable.Outcomes(intake.Outcomes)}{(intake.FirstError is { } error ? "; first error: " + error : string.Empty)}"));

        var allDelivered = await WaitForDeliveriesAsync(target, [.. accepted], options.DeliveryTimeout, cancellationToken);
        var samples = await sampler.StopAsync();
        var hostCpu = (host.Sample()?.CpuTime ?? cpuStart) - cpuStart;
        var azuriteCpu = azuriteMeter?.TryRead()?.CpuTime - azuriteCpuStart;
        double? allDeliveredSeconds = allDelivered ? Stopwatch.GetElapsedTime(started, target.LastSuccessTimestamp).TotalSeconds : null;
        if (!allDelivered)
        {
            log.WriteLine($"  timed out after {options.DeliveryTimeout.TotalSeconds:F0} s waiting for the target: {target.Successes - warmupSuccesses} of {accepted.Count} accepted delivered");
        }

        var ids = Enumerable.Range(0, options.Count).Select(n => signer.IdFor(n)).ToList();
        var check = sent.Check(target, ids);
        var duplicates = ids.Sum(id => target.Histories.TryGetValue(id, out var history) ? Math.Max(0, history.Successes - 1) : 0);
        if (host.HasExited)
        {
            log.WriteLine($"The host exited with code {host.ExitCode}. Its last output:\n{host.OutputTail()}");
        }

        return new LargeBodyReport(
            options,
            intake,
            baseline,
            baselineSamples,
            samples,
            allDeliveredSeconds,
            hostCpu.TotalSeconds,
            azuriteCpu?.TotalSeconds,
            check.Verified,
            check.Problems,
            duplicates,
            !host.HasExited);
    }

    // Small deliveries through the whole path (intake, queue, worker, target): connections, JIT and pools started.
    private static async Task WarmUpAsync(HttpClient http, LoopbackTarget target, LargeBodyOptions options, CancellationToken cancellationToken)
    {
        var small = new SignedDeliveries(BenchSettings.Source, BenchSettings.Secret, WarmupBodyBytes, "large-warmup", TimeProvider.System);
        for (var n = 0; n < options.WarmupDeliveries; n++)
        {
            var status = await LoadHttp.SendAsync(http, small.Create(small.IdFor(n)), cancellationToken);
            if (status != 202)
            {
                throw new InvalidOperationException($"Warm-up delivery {n} was answered {status}, not 202: the host is not accepting deliveries.");
            }
        }

        var deadline = Stopwatch.StartNew();
        while (target.Successes < options.WarmupDeliveries)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The warm-up deliveries did not reach the target within 60 s ({target.Successes} of {options.WarmupDeliveries}).");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<(long Mean, int Samples)> SampleIdleAsync(HostProcess host, LargeBodyOptions options, CancellationToken cancellationToken)
    {
        var readings = new List<long>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < options.BaselineDuration)
        {
            if (host.Sample() is { } sample)
            {
                readings.Add(sample.RssBytes);
            }

            await Task.Delay(options.SampleInterval, cancellationToken);
        }

        return readings.Count == 0 ? (0, 0) : ((long)readings.Average(), readings.Count);
    }

    // Polls the target until every accepted id was answered 2xx.
    private static async Task<bool> WaitForDeliveriesAsync(LoopbackTarget target, IReadOnlyList<string> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (ids.All(id => target.Histories.TryGetValue(id, out var history) && history.Successes > 0))
            {
                return true;
            }

            if (deadline.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
