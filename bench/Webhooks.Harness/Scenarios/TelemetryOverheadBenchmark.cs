using System.Globalization;
using System.Text;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Targets;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// What telemetry costs (issue 15, goal ≥ 0.9×): the same hosts with telemetry off and on — on meaning every span and
/// metric recorded and nothing exported (<c>Webhooks:Telemetry:RecordWithoutExport</c>), the instrumentation's own
/// cost — measured in the same run, ABBA order. Intake: the real server to Azurite, and the in-process sink (where
/// the engine's CPU is most of the cost). Delivery: a backlog drained by the real host's worker.
/// </summary>
public static class TelemetryOverheadBenchmark
{
    /// <summary>Runs every round: the four intake scenarios, then the two drains.</summary>
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
        var drain = new DeliveryBenchmarkOptions(options.Messages, 1, 32, options.Concurrency, options.BodyBytes);
        var rounds = new List<TelemetryOverheadRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            SignedDeliveries SignerFor(int scenario) =>
                new(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, $"{runTag}r{round}s{scenario}", TimeProvider.System);
            var results = new Dictionary<string, double>();
            var intake = new (string Name, Func<Task<ScenarioResult>> Run)[]
            {
                ("server off", () => IntakeBenchmark.MeasureHttpAsync("intake → Azurite, telemetry off", serverOff, SignerFor(1), loop, azuriteMeter, cancellationToken)),
                ("server on", () => IntakeBenchmark.MeasureHttpAsync("intake → Azurite, telemetry on", serverOn, SignerFor(2), loop, azuriteMeter, cancellationToken)),
                ("sink off", () => IntakeBenchmark.MeasureHttpAsync("intake, sink, telemetry off", sinkOff, SignerFor(3), loop, null, cancellationToken)),
                ("sink on", () => IntakeBenchmark.MeasureHttpAsync("intake, sink, telemetry on", sinkOn, SignerFor(4), loop, null, cancellationToken)),
            };
            foreach (var (name, run) in round % 2 == 1 ? intake : intake.Reverse())
            {
                var result = await run();
                results[name] = result.Loop.PerSecond;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {result.Name,-34} {result.Loop.PerSecond,7:F0} req/s  host {result.Resources.HostCpuUs:F0} µs/req  machine {result.Resources.MachineBusy:P0}"));
            }

            foreach (var telemetry in round % 2 == 1 ? new[] { false, true } : [true, false])
            {
                var name = $"bench-otel-drain-{round}-{(telemetry ? "on" : "off")}";
                var queue = service.GetQueueClient(name);
                await Prefill.PutAsync(queue, BenchSettings.Source, $"{runTag}d{round}{telemetry}", options.Messages, options.BodyBytes, 16, cancellationToken);
                var result = await DeliveryBenchmark.DrainWithWorkerAsync(azurite, queue, name, target, drain, azuriteMeter, cancellationToken, BenchSettings.Telemetry(telemetry));
                results[telemetry ? "delivery on" : "delivery off"] = result.PerSecond;
                log.WriteLine($"round {round}: telemetry {(telemetry ? "on " : "off")} {result}");
            }

            rounds.Add(new TelemetryOverheadRound(
                round,
                results["server on"] / results["server off"],
                results["sink on"] / results["sink off"],
                results["delivery on"] / results["delivery off"]));
        }

        return new TelemetryOverheadReport(options, rounds);
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

/// <summary>One round's on/off throughput ratios.</summary>
public sealed record TelemetryOverheadRound(int Round, double Intake, double IntakeSink, double Delivery);

/// <summary>Every round, with medians (goal: each ≥ 0.9).</summary>
public sealed record TelemetryOverheadReport(TelemetryOverheadOptions Options, IReadOnlyList<TelemetryOverheadRound> Rounds)
{
    /// <summary>The report as a Markdown table.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| round | intake → Azurite on/off | intake, sink on/off | delivery on/off |");
        text.AppendLine("|---|---|---|---|");
        foreach (var r in Rounds)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Round} | {r.Intake:F2} | {r.IntakeSink:F2} | {r.Delivery:F2} |"));
        }

        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| median | {Median(Rounds.Select(r => r.Intake)):F2} | {Median(Rounds.Select(r => r.IntakeSink)):F2} | {Median(Rounds.Select(r => r.Delivery)):F2} |"));
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
