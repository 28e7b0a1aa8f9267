using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// Intake throughput against its two ceilings, measured in the same run: (a) the real host (verify + validate +
/// enqueue to Azurite) against a raw Put Message loop with the SDK client to the same Azurite; (b) the same pipeline
/// with the queue replaced by an in-process sink against a bare Kestrel endpoint answering 202.
/// </summary>
public static class IntakeBenchmark
{
    private const string RawPut = "raw put (SDK QueueClient → Azurite)";
    private const string Intake = "intake (server → Azurite)";
    private const string IntakeNoDedup = "intake, dedup off (server → Azurite)";
    private const string RawDedupPut = "raw claim + put + confirm (SDK → Azurite)";
    private const string Sink = "intake, in-process sink";
    private const string Bare = "bare Kestrel 202";

    /// <summary>Runs every round; each round measures all six scenarios in turn.</summary>
    public static async Task<IntakeReport> RunAsync(IntakeOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var azuriteMeter = ListeningProcess.FindByPort(azurite.QueuePort) is { } azuritePid ? new ProcessMeter(azuritePid) : null;

        var ports = FreePorts.Take(4);
        var settings = BenchSettings.For(azurite.ConnectionString, logLevel: options.HostLogLevel);
        foreach (var (key, value) in options.HostEnvironment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        await using var server = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, ports[0], settings), cancellationToken);
        await using var sink = await HostProcess.StartAsync(new HostLaunch(HostBinaries.BenchHost, ports[1], With(settings, "Bench:Mode", "sink")), cancellationToken);
        await using var bare = await HostProcess.StartAsync(new HostLaunch(HostBinaries.BenchHost, ports[2], With(settings, "Bench:Mode", "bare")), cancellationToken);

        // The same server with duplicate detection off (a zero window): separates the dedup claim's storage round
        // trips from the rest of intake. Its own queue, so the two servers do not share a backlog.
        var noDedupSettings = With(With(settings, "Webhooks:Intake:DedupWindow", "00:00:00"), "Webhooks:Queues:Deliveries", "webhooks-deliveries-nodedup");
        await using var serverNoDedup = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, ports[3], noDedupSettings), cancellationToken);
        log.WriteLine($"Azurite queue port {azurite.QueuePort} (pid {azuriteMeter?.Pid}), server pid {server.Pid}, server without dedup pid {serverNoDedup.Pid}, sink pid {sink.Pid}, bare pid {bare.Pid}");

        var service = azurite.CreateQueueServiceClient();
        var rawQueue = service.GetQueueClient("bench-rawput");
        var deliveries = service.GetQueueClient("webhooks-deliveries");
        var deliveriesNoDedup = service.GetQueueClient("webhooks-deliveries-nodedup");
        await rawQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await deliveries.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await deliveriesNoDedup.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        // The raw loop puts what intake puts: a serialized envelope around a body of the same size.
        var rawBody = SamplePayloads.Json(options.BodyBytes, "msg_raw");
        var rawMessage = EnvelopeSerializer.Serialize(new DeliveryEnvelope
        {
            Id = "msg_raw",
            Source = BenchSettings.Source,
            ReceivedAt = DateTimeOffset.UtcNow,
            ContentType = "application/json",
            Headers = new(StringComparer.OrdinalIgnoreCase) { ["webhook-id"] = "msg_raw", ["webhook-timestamp"] = "1795263330" },
            Body = rawBody,
        });

        // The storage work of one deduplicated delivery, without intake: claim the id (blob upload, If-None-Match: *),
        // put the message, confirm the claim (blob upload, If-Match), with the SDK clients, as intake does.
        var dedupContainer = azurite.CreateBlobServiceClient().GetBlobContainerClient("bench-rawdedup");
        await dedupContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var record = DedupRecord.Pending("bench", "msg_raw", SHA256.HashData(rawBody), DateTimeOffset.UtcNow);
        var claim = DedupRecordJson(record);
        var confirm = DedupRecordJson(record.AsQueued());

        var loop = new LoopOptions(options.Concurrency, options.Duration, options.Warmup, options.MaxOperations);
        var runTag = Guid.NewGuid().ToString("N")[..8];
        var rounds = new List<IntakeRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Every scenario signs its own ids: intake de-duplicates provider ids across hosts sharing the storage
            // account, so a reused id would be answered 200 "duplicate" instead of being queued.
            SignedDeliveries SignerFor(int scenario) =>
                new(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, $"{runTag}r{round}s{scenario}", TimeProvider.System);
            var measured = new Dictionary<string, ScenarioResult>();
            var scenarios = new (string Name, Func<Task<ScenarioResult>> Run)[]
            {
                (RawPut, () => Measure.ClosedLoopAsync(RawPut, (_, ct) => PutAsync(rawQueue, rawMessage, ct), loop, null, azuriteMeter, cancellationToken)),
                (RawDedupPut, () => MeasureRawDedupAsync(dedupContainer, $"{runTag}/r{round}", claim, confirm, rawQueue, rawMessage, loop, azuriteMeter, cancellationToken)),
                (Intake, () => MeasureHttpAsync(Intake, server, SignerFor(1), loop, azuriteMeter, cancellationToken)),
                (IntakeNoDedup, () => MeasureHttpAsync(IntakeNoDedup, serverNoDedup, SignerFor(4), loop, azuriteMeter, cancellationToken)),
                (Sink, () => MeasureHttpAsync(Sink, sink, SignerFor(2), loop, null, cancellationToken)),
                (Bare, () => MeasureHttpAsync(Bare, bare, SignerFor(3), loop, null, cancellationToken)),
            };

            // ABBA: odd rounds run in this order, even rounds in reverse, so a drift in the machine's background load
            // (other processes on the shared cores) does not always favour the scenario that runs first.
            foreach (var (name, run) in round % 2 == 1 ? scenarios : scenarios.Reverse())
            {
                measured[name] = await run();
                log.WriteLine(Row(round, measured[name]));
            }

            rounds.Add(new IntakeRound(round, measured[RawPut], measured[RawDedupPut], measured[Intake], measured[IntakeNoDedup], measured[Sink], measured[Bare]));

            // Start every round from empty queues, so a growing Azurite store does not favour the first scenario.
            await ClearAsync(rawQueue, cancellationToken);
            await ClearAsync(deliveries, cancellationToken);
            await ClearAsync(deliveriesNoDedup, cancellationToken);
        }

        return new IntakeReport(options, rounds);
    }

    internal static async Task<ScenarioResult> MeasureHttpAsync(
        string name, HostProcess host, SignedDeliveries signer, LoopOptions loop, ProcessMeter? azurite, CancellationToken cancellationToken)
    {
        using var http = LoadHttp.Create(host.BaseAddress, loop.Concurrency);

        // One counter across the warm-up and the measured loop (each numbers its calls from zero): every delivery id
        // is new, or dedup would answer the measured ones 200 "duplicate" without queueing them.
        long sent = 0;
        return await Measure.ClosedLoopAsync(
            name,
            (_, ct) => LoadHttp.SendAsync(http, signer.Create(signer.IdFor(Interlocked.Increment(ref sent))), ct),
            loop,
            host.Meter,
            azurite,
            cancellationToken);
    }

    private static Task<ScenarioResult> MeasureRawDedupAsync(
        BlobContainerClient container, string prefix, byte[] claim, byte[] confirm, QueueClient queue, byte[] message, LoopOptions loop, ProcessMeter? azurite, CancellationToken cancellationToken)
    {
        long sent = 0;
        return Measure.ClosedLoopAsync(
            RawDedupPut,
            async (_, ct) =>
            {
                try
                {
                    var blob = container.GetBlobClient($"{prefix}/{Interlocked.Increment(ref sent)}.json");
                    var claimed = (await blob.UploadAsync(new BinaryData(claim), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" }, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct)).Value;
                    await queue.SendMessageAsync(new BinaryData(message), timeToLive: StorageNames.NeverExpires, cancellationToken: ct);
                    await blob.UploadAsync(new BinaryData(confirm), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" }, Conditions = new BlobRequestConditions { IfMatch = claimed.ETag } }, ct);
                    return 201;
                }
                catch (RequestFailedException ex)
                {
                    return ex.Status;
                }
            },
            loop,
            null,
            azurite,
            cancellationToken);
    }

    // A record of the shape and size intake writes (camelCase web defaults stand in for the engine's own JSON context).
    private static byte[] DedupRecordJson(DedupRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static async Task<int> PutAsync(QueueClient queue, byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendMessageAsync(new BinaryData(message), timeToLive: StorageNames.NeverExpires, cancellationToken: cancellationToken);
            return 201;
        }
        catch (RequestFailedException ex)
        {
            return ex.Status;
        }
    }

    private static async Task ClearAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            await queue.ClearMessagesAsync(cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Azurite can time out clearing a very large queue; the next round then starts a little fuller.
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings, StringComparer.OrdinalIgnoreCase) { [key] = value };

    private static string Row(int round, ScenarioResult result) =>
        $"round {round}: {result.Name,-34} {result.Loop.PerSecond,8:F0} req/s  p50 {result.Loop.P50Ms,6:F2} ms  p99 {result.Loop.P99Ms,7:F2} ms  " +
        $"host {Format(result.Resources.HostCpuUs)} µs/req  azurite {Format(result.Resources.AzuriteCpuUs)} µs/req  machine {result.Resources.MachineBusy:P0}  " +
        $"statuses {string.Join(' ', result.Loop.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}";

    private static string Format(double? value) => value is { } v ? v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "–";
}

/// <summary>Settings of an intake benchmark run.</summary>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Duration">Measured time per scenario.</param>
/// <param name="Warmup">Unmeasured time per scenario first.</param>
/// <param name="Rounds">How many times to measure all four scenarios.</param>
/// <param name="BodyBytes">Body size.</param>
/// <param name="MaxOperations">Cap on measured requests per scenario.</param>
/// <param name="HostLogLevel">The hosts' default log level.</param>
/// <param name="HostEnvironment">Extra environment variables for every host process (runtime knobs such as <c>DOTNET_gcServer</c>).</param>
public sealed record IntakeOptions(
    int Concurrency = 16,
    TimeSpan Duration = default,
    TimeSpan Warmup = default,
    int Rounds = 1,
    int BodyBytes = 1024,
    long MaxOperations = long.MaxValue,
    string HostLogLevel = "Warning",
    IReadOnlyDictionary<string, string>? HostEnvironment = null);

/// <summary>One round: the six scenarios and their ratios.</summary>
public sealed record IntakeRound(int Round, ScenarioResult RawPut, ScenarioResult RawDedupPut, ScenarioResult Intake, ScenarioResult IntakeWithoutDedup, ScenarioResult Sink, ScenarioResult Bare)
{
    /// <summary>Intake to Azurite over the raw put loop (goal ≥ 0.8).</summary>
    public double IntakeVsRawPut => Ratio(Intake, RawPut);

    /// <summary>Intake over the raw loop doing the same storage work (claim, put, confirm): intake's own overhead.</summary>
    public double IntakeVsRawDedupPut => Ratio(Intake, RawDedupPut);

    /// <summary>Intake with duplicate detection off over the raw put loop (informative: what dedup costs).</summary>
    public double IntakeWithoutDedupVsRawPut => Ratio(IntakeWithoutDedup, RawPut);

    /// <summary>Intake with a sink over bare Kestrel (goal ≥ 0.6).</summary>
    public double SinkVsBare => Ratio(Sink, Bare);

    private static double Ratio(ScenarioResult a, ScenarioResult b) => b.Loop.PerSecond > 0 ? a.Loop.PerSecond / b.Loop.PerSecond : 0;
}

/// <summary>Every round of an intake run.</summary>
public sealed record IntakeReport(IntakeOptions Options, IReadOnlyList<IntakeRound> Rounds)
{
    /// <summary>The median of (a) over the rounds.</summary>
    public double MedianIntakeVsRawPut => Median(Rounds.Select(r => r.IntakeVsRawPut));

    /// <summary>The median of (b) over the rounds.</summary>
    public double MedianSinkVsBare => Median(Rounds.Select(r => r.SinkVsBare));

    /// <summary>The median of intake over the raw claim + put + confirm loop.</summary>
    public double MedianIntakeVsRawDedupPut => Median(Rounds.Select(r => r.IntakeVsRawDedupPut));

    /// <summary>Intake over the raw claim + put + confirm loop, pooled.</summary>
    public double PooledIntakeVsRawDedupPut => Pooled(r => r.Intake) / Pooled(r => r.RawDedupPut);

    /// <summary>The median of intake-without-dedup over raw put.</summary>
    public double MedianIntakeWithoutDedupVsRawPut => Median(Rounds.Select(r => r.IntakeWithoutDedupVsRawPut));

    /// <summary>(a) over all rounds pooled: total requests over total measured time, per scenario.</summary>
    public double PooledIntakeVsRawPut => Pooled(r => r.Intake) / Pooled(r => r.RawPut);

    /// <summary>Intake without dedup over raw put, pooled.</summary>
    public double PooledIntakeWithoutDedupVsRawPut => Pooled(r => r.IntakeWithoutDedup) / Pooled(r => r.RawPut);

    /// <summary>(b) over all rounds pooled.</summary>
    public double PooledSinkVsBare => Pooled(r => r.Sink) / Pooled(r => r.Bare);

    private double Pooled(Func<IntakeRound, ScenarioResult> scenario)
    {
        var seconds = Rounds.Sum(r => scenario(r).Loop.Elapsed.TotalSeconds);
        return seconds > 0 ? Rounds.Sum(r => scenario(r).Loop.Operations) / seconds : double.NaN;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
