using System.Globalization;
using System.Text;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Targets;
using Azure.Storage.Queues;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// What telemetry costs (issue 15, goal ≥ 0.9×): the same hosts with telemetry off and on — on meaning every span and
/// metric recorded and nothing exported (<c>Webhooks:Telemetry:RecordWithoutExport</c>), the instrumentation's own
/// cost — measured in the same run. Intake: the real server to Azurite, and the in-process sink (where the engine's
/// CPU is most of the cost), in ABBA order across rounds. Delivery: backlogs drained by the real host's worker, ABBA
/// within each round. What intake wrote is cleared after each scenario and every drained queue deleted, since
/// Azurite's cost per operation grows with what it holds and would otherwise penalise whichever side runs later.
/// Host CPU per request or message is reported next to every ratio: on a loaded machine it is steadier than
/// throughput (the thread pool's spinning while it waits for work is part of it).
/// </summary>
public static class TelemetryOverheadBenchmark
{
    /// <summary>Runs every round: the four intake scenarios, an unmeasured warm-up drain, then four drains (two on, two off).</summary>
    public static async Task<TelemetryOverheadReport> RunAsync(TelemetryOverheadOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var azuriteMeter = ListeningProcess.FindByPort(azurite.QueuePort) is { } azuritePid ? new ProcessMeter(azuritePid) : null;
        var baseSettings = BenchSettings.For(azurite.ConnectionString);
        Dictionary<string, string> Settings(bool telemetry, string queue)
        {
            var settings = new Dictionary<string, string>(baseSettings, StringComparer.OrdinalIgnoreCase) { ["Webhooks:Queues:Deliveries"] = queue };
            foreach (var (key, value) in BenchSettings.Telemetry(telemetry))
            {
                settings[key] = value;
            }

            return settings;
        }

        var ports = FreePorts.Take(4);
        await using var serverOff = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, ports[0], Settings(false, "bench-otel-off")), cancellationToken);
        await using var serverOn = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, ports[1], Settings(true, "bench-otel-on")), cancellationToken);
        await using var sinkOff = await HostProcess.StartAsync(new HostLaunch(HostBinaries.BenchHost, ports[2], With(Settings(false, "bench-otel-off"), "Bench:Mode", "sink")), cancellationToken);
        await using var sinkOn = await HostProcess.StartAsync(new HostLaunch(HostBinaries.BenchHost, ports[3], With(Settings(true, "bench-otel-on"), "Bench:Mode", "sink")), cancellationToken);
        await using var target = await LoopbackTarget.StartAlwaysOkAsync(cancellationToken);
        var service = azurite.CreateQueueServiceClient();
        log.WriteLine($"server off pid {serverOff.Pid}, on pid {serverOn.Pid}; sink off pid {sinkOff.Pid}, on pid {sinkOn.Pid}");

        var loop = new LoopOptions(options.Concurrency, options.Duration, options.Warmup, long.MaxValue);
        var runTag = Guid.NewGuid().ToString("N")[..8];
        var drainMessages = Math.Max(options.Messages / 2, 100);
        var drain = new DeliveryBenchmarkOptions(drainMessages, 1, 32, options.Concurrency, options.BodyBytes);
        var rounds = new List<TelemetryOverheadRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            SignedDeliveries SignerFor(int scenario) =>
                new(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, $"{runTag}r{round}s{scenario}", TimeProvider.System);
            var intakeResults = new Dictionary<string, ScenarioResult>();
            var intake = new (string Name, string Queue, Func<Task<ScenarioResult>> Run)[]
            {
                ("server off", "bench-otel-off", () => IntakeBenchmark.MeasureHttpAsync("intake → Azurite, telemetry off", serverOff, SignerFor(1), loop, azuriteMeter, cancellationToken)),
                ("server on", "bench-otel-on", () => IntakeBenchmark.MeasureHttpAsync("intake → Azurite, telemetry on", serverOn, SignerFor(2), loop, azuriteMeter, cancellationToken)),
                ("sink off", "bench-otel-off", () => IntakeBenchmark.MeasureHttpAsync("intake, sink, telemetry off", sinkOff, SignerFor(3), loop, null, cancellationToken)),
                ("sink on", "bench-otel-on", () => IntakeBenchmark.MeasureHttpAsync("intake, sink, telemetry on", sinkOn, SignerFor(4), loop, null, cancellationToken)),
            };
            foreach (var (name, queueName, run) in round % 2 == 1 ? intake : intake.Reverse())
            {
                var result = await run();
                intakeResults[name] = result;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {result.Name,-34} {result.Loop.PerSecond,7:F0} req/s  host {result.Resources.HostCpuUs:F0} µs/req  machine {result.Resources.MachineBusy:P0}"));

                // Azurite's cost per operation grows with what it stores: what intake wrote goes, so every later
                // scenario (the drains above all) meets the same store.
                await ClearAsync(service.GetQueueClient(queueName), cancellationToken);
            }

            // Delivery in ABBA order within the round (off, on, on, off; the next round on, off, off, on), so a drift
            // of the machine or of Azurite during the round weighs on both sides alike; each side is its two drains.
            // An unmeasured drain first: in two of six recorded rounds the first drain after the intake scenarios (and
            // the clearing of what they wrote) was several times slower than the round's others, whichever side it was.
            var warmup = service.GetQueueClient($"bench-otel-warmup-{round}");
            await Prefill.PutAsync(warmup, BenchSettings.Source, $"{runTag}w{round}", Math.Min(200, drainMessages), options.BodyBytes, 16, cancellationToken);
            var warm = await DeliveryBenchmark.DrainWithWorkerAsync(
                azurite, warmup, warmup.Name, target, drain with { Messages = Math.Min(200, drainMessages) }, azuriteMeter, cancellationToken, BenchSettings.Telemetry(false));
            log.WriteLine($"round {round}: warm-up (not counted) {warm}");
            await warmup.DeleteIfExistsAsync(cancellationToken);

            var drains = new List<(bool Telemetry, DrainResult Result)>();
            var order = round % 2 == 1 ? new[] { false, true, true, false } : [true, false, false, true];
            for (var i = 0; i < order.Length; i++)
            {
                var telemetry = order[i];
                var name = $"bench-otel-drain-{round}-{i}-{(telemetry ? "on" : "off")}";
                var queue = service.GetQueueClient(name);
                await Prefill.PutAsync(queue, BenchSettings.Source, $"{runTag}d{round}{i}", drainMessages, options.BodyBytes, 16, cancellationToken);
                var callsBefore = target.Calls;
                var result = await DeliveryBenchmark.DrainWithWorkerAsync(azurite, queue, name, target, drain, azuriteMeter, cancellationToken, BenchSettings.Telemetry(telemetry));
                drains.Add((telemetry, result));

                // More calls than messages: some attempts failed (a target call timed out on a starved machine) and
                // waited out their retry delay, which then dominates that drain's time whatever telemetry does.
                var calls = target.Calls - callsBefore;
                log.WriteLine($"round {round}: telemetry {(telemetry ? "on " : "off")} {result}, {calls} target calls{(calls > drainMessages ? " (more than messages: retries or redeliveries)" : string.Empty)}, host warnings/errors {result.HostWarnings}");
                if (result.HostWarnings > 0)
                {
                    // The first ones say what the host waited on (a failed receive, storage timeouts, ...); the console
                    // logger puts the category on the "warn:" line and the message on the next.
                    var lines = result.HostLog.Split('\n');
                    foreach (var at in Enumerable.Range(0, lines.Length).Where(n => lines[n].Contains("warn:", StringComparison.Ordinal) || lines[n].Contains("fail:", StringComparison.Ordinal)).Take(3))
                    {
                        log.WriteLine($"    host: {lines[at].Trim()} {(at + 1 < lines.Length ? lines[at + 1].Trim() : string.Empty)}");
                    }
                }
                await queue.DeleteIfExistsAsync(cancellationToken);
            }

            var deliveryOn = DrainSide.Of(drains.Where(d => d.Telemetry).Select(d => d.Result));
            var deliveryOff = DrainSide.Of(drains.Where(d => !d.Telemetry).Select(d => d.Result));
            var roundResult = new TelemetryOverheadRound(
                round,
                intakeResults["server on"].Loop.PerSecond / intakeResults["server off"].Loop.PerSecond,
                intakeResults["sink on"].Loop.PerSecond / intakeResults["sink off"].Loop.PerSecond,
                deliveryOn.PerSecond / deliveryOff.PerSecond,
                new CpuPair(intakeResults["server on"].Resources.HostCpuUs, intakeResults["server off"].Resources.HostCpuUs),
                new CpuPair(intakeResults["sink on"].Resources.HostCpuUs, intakeResults["sink off"].Resources.HostCpuUs),
                new CpuPair(deliveryOn.HostCpuUs, deliveryOff.HostCpuUs),
                LoadAverage.Read());
            rounds.Add(roundResult);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: delivery on {deliveryOn.PerSecond:F0}/s, off {deliveryOff.PerSecond:F0}/s = {roundResult.Delivery:F2}; host CPU {roundResult.DeliveryCpu}; load average {roundResult.LoadAverage}"));
        }

        return new TelemetryOverheadReport(options, rounds);
    }

    private static async Task ClearAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        if (await queue.ExistsAsync(cancellationToken))
        {
            await queue.ClearMessagesAsync(cancellationToken);
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings, StringComparer.OrdinalIgnoreCase) { [key] = value };
}

/// <summary>Settings of a telemetry-overhead run.</summary>
public sealed record TelemetryOverheadOptions(
    int Concurrency = 16,
    TimeSpan Duration = default,
    TimeSpan Warmup = default,
    int Rounds = 3,
    int BodyBytes = 1024,
    int Messages = 2000);

/// <summary>One round: on/off throughput ratios, host CPU per request or message on and off, the load average after it.</summary>
public sealed record TelemetryOverheadRound(
    int Round, double Intake, double IntakeSink, double Delivery, CpuPair IntakeCpu, CpuPair IntakeSinkCpu, CpuPair DeliveryCpu, string LoadAverage);

/// <summary>Host CPU per request or message (µs) with telemetry on and off.</summary>
public sealed record CpuPair(double? On, double? Off)
{
    /// <summary>On / off.</summary>
    public double? Ratio => On is { } on && Off is { } off && off > 0 ? on / off : null;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{On:F0} / {Off:F0} µs ({Ratio:F2})");
}

/// <summary>One side (on or off) of a round's drains, added up.</summary>
internal sealed record DrainSide(long Messages, TimeSpan Elapsed, double? HostCpuUs)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Messages / Elapsed.TotalSeconds : 0;

    public static DrainSide Of(IEnumerable<DrainResult> drains)
    {
        var list = drains.ToList();
        var messages = list.Sum(d => d.Messages);
        var cpu = list.All(d => d.Resources.HostCpuUs is not null) && messages > 0
            ? list.Sum(d => d.Resources.HostCpuUs!.Value * d.Messages) / messages
            : (double?)null;
        return new DrainSide(messages, TimeSpan.FromTicks(list.Sum(d => d.Elapsed.Ticks)), cpu);
    }
}

/// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg), or "n/a".</summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}

/// <summary>Every round, with medians (goal: each ≥ 0.9).</summary>
public sealed record TelemetryOverheadReport(TelemetryOverheadOptions Options, IReadOnlyList<TelemetryOverheadRound> Rounds)
{
    /// <summary>The report as a Markdown table.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| round | intake → Azurite on/off | intake, sink on/off | delivery on/off | host CPU/req → Azurite on / off | host CPU/req sink on / off | host CPU/msg delivery on / off | load average (1, 5, 15 min) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in Rounds)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Round} | {r.Intake:F2} | {r.IntakeSink:F2} | {r.Delivery:F2} | {r.IntakeCpu} | {r.IntakeSinkCpu} | {r.DeliveryCpu} | {r.LoadAverage} |"));
        }

        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| median | {Median(Rounds.Select(r => r.Intake)):F2} | {Median(Rounds.Select(r => r.IntakeSink)):F2} | {Median(Rounds.Select(r => r.Delivery)):F2} | ({MedianRatio(Rounds.Select(r => r.IntakeCpu)):F2}) | ({MedianRatio(Rounds.Select(r => r.IntakeSinkCpu)):F2}) | ({MedianRatio(Rounds.Select(r => r.DeliveryCpu)):F2}) | |"));
        return text.ToString();
    }

    private static double MedianRatio(IEnumerable<CpuPair> pairs) => Median(pairs.Select(p => p.Ratio).OfType<double>());

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
