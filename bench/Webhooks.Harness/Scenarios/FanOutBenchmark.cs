using System.Globalization;
using System.Text;
using Azure.Storage.Queues;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Targets;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// Fan-out (issue 16), both sides, in one quick self-contained run against the real server process:
/// <list type="bullet">
/// <item>delivery: a backlog drained by the worker for a source with 1 destination (the old <c>Target:Url</c>), 3 and
/// 10 destinations (no filters: each takes every delivery), as destination calls per second against the 1-destination
/// figure;</item>
/// <item>intake: a 10-destination source against a 1-destination source (both with workers off, so only intake runs),
/// ABBA rounds, median ratio (goal ≥ 0.95: intake writes one message whatever the number of destinations).</item>
/// </list>
/// </summary>
public static class FanOutBenchmark
{
    /// <summary>The destination counts measured on the delivery side.</summary>
    public static readonly int[] DestinationCounts = [1, 3, 10];

    // The intake side's second source, beside BenchSettings.Source: the same verification, ten destinations.
    private const string TenSource = "bench10";

    private const string IntakeQueue = "bench-fanout-intake";

    /// <summary>Runs the delivery rounds, then the intake rounds.</summary>
    public static async Task<FanOutReport> RunAsync(FanOutOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var azuriteMeter = ListeningProcess.FindByPort(azurite.QueuePort) is { } pid ? new ProcessMeter(pid) : null;
        await using var target = await LoopbackTarget.StartAlwaysOkAsync(cancellationToken);
        var service = azurite.CreateQueueServiceClient();

        var delivery = new List<FanOutDeliveryRound>();
        for (var round = 1; round <= (options.Sides == FanOutSides.Intake ? 0 : options.Rounds); round++)
        {
            // ABBA over the destination counts, so background drift does not always favour the same one.
            var order = round % 2 == 1 ? DestinationCounts : [.. Enumerable.Reverse(DestinationCounts)];
            var drains = new Dictionary<int, DrainResult>();
            foreach (var destinations in order)
            {
                var name = $"bench-fanout-{round}-{destinations}";
                var queue = service.GetQueueClient(name);
                await Prefill.PutAsync(queue, BenchSettings.Source, $"f{round}d{destinations}", options.Messages, options.BodyBytes, 16, cancellationToken);
                drains[destinations] = await DrainAsync(azurite, queue, name, target, destinations, options, azuriteMeter, cancellationToken);
                log.WriteLine($"delivery round {round}, {destinations,2} destination(s): {drains[destinations]}");
            }

            delivery.Add(new FanOutDeliveryRound(round, drains));
        }

        var intake = options.Sides == FanOutSides.Delivery ? [] : await RunIntakeAsync(azurite, options, log, azuriteMeter, cancellationToken);
        return new FanOutReport(options, delivery, intake);
    }

    private static async Task<DrainResult> DrainAsync(
        AzuriteFixture azurite, QueueClient queue, string queueName, LoopbackTarget target, int destinations, FanOutOptions options, ProcessMeter? azuriteMeter, CancellationToken cancellationToken)
    {
        var settings = BenchSettings.For(azurite.ConnectionString, target.Url, options.HostLogLevel);
        if (destinations > 1)
        {
            settings.Remove($"Webhooks:Sources:{BenchSettings.Source}:Target:Url");
            foreach (var (key, value) in DestinationSettings(destinations, target.Url))
            {
                settings[key] = value;
            }
        }

        settings["Webhooks:Queues:Deliveries"] = queueName;
        settings["Webhooks:Delivery:BatchSize"] = "32";
        settings["Webhooks:Delivery:MaxConcurrency"] = options.Concurrency.ToString(CultureInfo.InvariantCulture);
        settings["Webhooks:Delivery:MaxPollingInterval"] = "00:00:01";

        // A message whose processing failed reappears after this; shorter than the 2-minute default so one such
        // failure costs seconds of the run, not minutes (each is counted below).
        settings["Webhooks:Delivery:VisibilityTimeout"] = "00:00:10";
        // Every destination call answered and the queue empty, fan-out copies included.
        var calls = (long)options.Messages * destinations;
        return await DeliveryBenchmark.TimeDrainAsync(settings, queue, target, calls, azuriteMeter, options.Timeout, $"worker, {destinations} destination(s)", (host, result) =>
        {
            var failures = host.CountOutputLines("failed unexpectedly") + host.CountOutputLines("no longer ours");
            var extra = result.Messages - calls;
            return result with
            {
                Note = failures + extra > 0 ? $"{extra} calls beyond the {calls} due, {failures} host log lines of failed processing or lost messages" : null,
            };
        }, cancellationToken);
    }

    private static async Task<List<FanOutIntakeRound>> RunIntakeAsync(AzuriteFixture azurite, FanOutOptions options, TextWriter log, ProcessMeter? azuriteMeter, CancellationToken cancellationToken)
    {
        // Workers off: what is measured is intake alone. Each host serves both sources, so the two sides share the
        // process, its JIT and GC state and the queue, and differ only in the source's destinations: "bench" with one,
        // "bench10" with ten that filter on the event type, as a real fan-out source would (intake never reads them).
        // Two hosts: the server writing to Azurite (what a user runs), and the same pipeline into the in-process sink
        // (intake's own cost, without the emulator's noise).
        var settings = BenchSettings.For(azurite.ConnectionString, logLevel: options.HostLogLevel);
        settings["Webhooks:Queues:Deliveries"] = IntakeQueue;
        foreach (var (key, value) in settings.Where(s => s.Key.StartsWith($"Webhooks:Sources:{BenchSettings.Source}:", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            settings[key.Replace($":{BenchSettings.Source}:", $":{TenSource}:", StringComparison.OrdinalIgnoreCase)] = value;
        }

        foreach (var (key, value) in DestinationSettings(1, new Uri("http://127.0.0.1:9/never-called"))
                     .Concat(DestinationSettings(10, new Uri("http://127.0.0.1:9/never-called"), filtered: true, source: TenSource)))
        {
            settings[key] = value;
        }

        settings["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true";
        var ports = FreePorts.Take(2);
        await using var server = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, ports[0], settings), cancellationToken);
        await using var sink = await HostProcess.StartAsync(new HostLaunch(HostBinaries.BenchHost, ports[1], new Dictionary<string, string>(settings, StringComparer.OrdinalIgnoreCase) { ["Bench:Mode"] = "sink" }), cancellationToken);
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(IntakeQueue);
        var loop = new LoopOptions(options.IntakeConcurrency, options.IntakeDuration, options.IntakeWarmup);
        var runTag = Guid.NewGuid().ToString("N")[..8];
        var rounds = new List<FanOutIntakeRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (hostName, host, meter) in new[] { (IntakeHosts.Azurite, server, azuriteMeter), (IntakeHosts.Sink, sink, null) })
            {
                // A B A′: the 10-destination source between two runs of the 1-destination one (A′ first in even
                // rounds), so a drift through the round is cancelled by comparing B with the mean of A and A′, and
                // A′ ÷ A shows how far two identical runs differ here (the noise the ratio must be read against).
                // Every run starts from an empty queue: Azurite's cost per message grows with what it holds.
                var scenarios = new (string Key, string Source)[] { ("A", BenchSettings.Source), ("B", TenSource), ("A2", BenchSettings.Source) };
                var measured = new Dictionary<string, ScenarioResult>();
                foreach (var (key, source) in round % 2 == 1 ? scenarios : [.. Enumerable.Reverse(scenarios)])
                {
                    await queue.ClearMessagesAsync(cancellationToken);
                    var name = $"intake ({hostName}), {(source == TenSource ? "10 destinations" : "1 destination")} [{(key == "A2" ? "A′" : key)}]";
                    var signer = new SignedDeliveries(source, BenchSettings.Secret, options.BodyBytes, $"{runTag}r{round}{hostName}{key}", TimeProvider.System);
                    measured[key] = await IntakeBenchmark.MeasureHttpAsync(name, host, signer, loop, meter, cancellationToken);
                    var result = measured[key].Loop;
                    log.WriteLine($"intake round {round}: {name,-44} {result.PerSecond:F0}/s (p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms, {result.Count(202)} accepted)");
                }

                rounds.Add(new FanOutIntakeRound(round, hostName, measured["A"], measured["B"], measured["A2"]));
            }
        }

        await queue.ClearMessagesAsync(cancellationToken);
        return rounds;
    }

    // d0…d<n-1>, every one at the same loopback target; filtered: d0 takes everything, the rest one event type each.
    private static Dictionary<string, string> DestinationSettings(int count, Uri url, bool filtered = false, string source = BenchSettings.Source)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < count; i++)
        {
            settings[$"Webhooks:Sources:{source}:Destinations:d{i}:Url"] = url.ToString();
            if (filtered && i > 0)
            {
                settings[$"Webhooks:Sources:{source}:Destinations:d{i}:Filter:type"] = $"event{i}.*";
            }
        }

        return settings;
    }
}

/// <summary>Settings of a fan-out run; the defaults keep it under five minutes on two cores.</summary>
/// <param name="Messages">Backlog per delivery drain (destination calls = this × destinations).</param>
/// <param name="Rounds">Rounds of each side.</param>
/// <param name="Concurrency">The worker's messages in flight.</param>
/// <param name="BodyBytes">Body size.</param>
/// <param name="IntakeConcurrency">Concurrent senders on the intake side.</param>
/// <param name="IntakeDuration">Measured time per intake scenario.</param>
/// <param name="IntakeWarmup">Warm-up per intake scenario.</param>
/// <param name="HostLogLevel">The host's default log level.</param>
/// <param name="Sides">Which sides to run (<see cref="FanOutSides"/>); both unless set.</param>
public sealed record FanOutOptions(
    int Messages = 300,
    int Rounds = 3,
    int Concurrency = 16,
    int BodyBytes = 1024,
    int IntakeConcurrency = 16,
    TimeSpan IntakeDuration = default,
    TimeSpan IntakeWarmup = default,
    string HostLogLevel = "Warning",
    string Sides = FanOutSides.Both)
{
    /// <summary>Measured time per intake scenario, 10 s unless set.</summary>
    public TimeSpan IntakeDuration { get; init; } = IntakeDuration == default ? TimeSpan.FromSeconds(10) : IntakeDuration;

    /// <summary>Warm-up per intake scenario, 3 s unless set.</summary>
    public TimeSpan IntakeWarmup { get; init; } = IntakeWarmup == default ? TimeSpan.FromSeconds(3) : IntakeWarmup;

    /// <summary>Upper bound on one drain.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>One round of drains, by destination count.</summary>
public sealed record FanOutDeliveryRound(int Round, IReadOnlyDictionary<int, DrainResult> Drains)
{
    /// <summary>Destination calls per second with <paramref name="destinations"/> over the 1-destination figure.</summary>
    public double VersusOne(int destinations) => Drains[1].PerSecond > 0 ? Drains[destinations].PerSecond / Drains[1].PerSecond : 0;
}

/// <summary>The values of <see cref="FanOutOptions.Sides"/>.</summary>
public static class FanOutSides
{
    /// <summary>Delivery, then intake.</summary>
    public const string Both = "both";

    /// <summary>The delivery drains only.</summary>
    public const string Delivery = "delivery";

    /// <summary>The intake rounds only.</summary>
    public const string Intake = "intake";
}

/// <summary>The two hosts of the intake side.</summary>
public static class IntakeHosts
{
    /// <summary>The real server writing to Azurite.</summary>
    public const string Azurite = "Azurite";

    /// <summary>The same pipeline writing to the in-process sink.</summary>
    public const string Sink = "sink";
}

/// <summary>One intake round on one host: the 1-destination source (A, then A′ as a control) and the 10-destination one (B).</summary>
public sealed record FanOutIntakeRound(int Round, string Host, ScenarioResult One, ScenarioResult Ten, ScenarioResult OneAgain)
{
    /// <summary>10-destination intake over the mean of the two 1-destination runs around it (goal ≥ 0.95).</summary>
    public double Ratio => One.Loop.PerSecond + OneAgain.Loop.PerSecond > 0 ? Ten.Loop.PerSecond / ((One.Loop.PerSecond + OneAgain.Loop.PerSecond) / 2) : 0;

    /// <summary>The control: the second 1-destination run over the first (1.00 without noise).</summary>
    public double Control => One.Loop.PerSecond > 0 ? OneAgain.Loop.PerSecond / One.Loop.PerSecond : 0;
}

/// <summary>A whole fan-out run.</summary>
public sealed record FanOutReport(FanOutOptions Options, IReadOnlyList<FanOutDeliveryRound> Delivery, IReadOnlyList<FanOutIntakeRound> Intake)
{
    /// <summary>Median intake ratio on a host (<see cref="IntakeHosts"/>).</summary>
    public double MedianIntakeRatio(string host) => Median(Intake.Where(r => r.Host == host).Select(r => r.Ratio));

    /// <summary>The report as Markdown tables for docs/benchmarks.md.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        if (Delivery.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Delivery: {Options.Messages} deliveries per drain, {Options.Concurrency} in flight; destination calls per second (× vs 1 destination).");
            text.AppendLine();
            text.AppendLine("| round | 1 destination | 3 destinations | 10 destinations |");
            text.AppendLine("|---|---|---|---|");
            foreach (var round in Delivery)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {round.Round} | {round.Drains[1].PerSecond:F0}/s | {round.Drains[3].PerSecond:F0}/s ({round.VersusOne(3):F2}×) | {round.Drains[10].PerSecond:F0}/s ({round.VersusOne(10):F2}×) |");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"| median | {Median(Delivery.Select(r => r.Drains[1].PerSecond)):F0}/s | {Median(Delivery.Select(r => r.Drains[3].PerSecond)):F0}/s ({Median(Delivery.Select(r => r.VersusOne(3))):F2}×) | {Median(Delivery.Select(r => r.Drains[10].PerSecond)):F0}/s ({Median(Delivery.Select(r => r.VersusOne(10))):F2}×) |");
            text.AppendLine();
        }

        if (Intake.Count == 0)
        {
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Intake: {Options.IntakeConcurrency} concurrent senders, {Options.IntakeDuration.TotalSeconds:F0} s per run, A B A′ (A′ B A in even rounds), each from an empty queue; accepted deliveries per second.");
        foreach (var host in new[] { IntakeHosts.Azurite, IntakeHosts.Sink })
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"| round ({host}) | 1 destination, A | 10 destinations, B | 1 destination, A′ | B ÷ mean(A, A′) | control A′ ÷ A |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var round in Intake.Where(r => r.Host == host))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {round.Round} | {round.One.Loop.PerSecond:F0}/s | {round.Ten.Loop.PerSecond:F0}/s | {round.OneAgain.Loop.PerSecond:F0}/s | {round.Ratio:F2}× | {round.Control:F2}× |");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"| median | | | | **{MedianIntakeRatio(host):F2}×** (goal ≥ 0.95) | {Median(Intake.Where(r => r.Host == host).Select(r => r.Control)):F2}× |");
        }

        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
