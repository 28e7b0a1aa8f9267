using System.Diagnostics;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Measuring;
using Webhooks.Harness.Targets;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Scenarios;

/// <summary>
/// Delivery throughput: a backlog of N deliveries drained by the real host's worker (receive → POST to a loopback
/// Kestrel target answering 200 → delete), against a raw receive + delete loop with the SDK client on the same Azurite,
/// shaped like the worker (one poller, the same batch size, the same number in flight).
/// </summary>
public static class DeliveryBenchmark
{
    /// <summary>Runs every round: prefill, raw drain; prefill, worker drain.</summary>
    public static async Task<DeliveryReport> RunAsync(DeliveryBenchmarkOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var azuriteMeter = ListeningProcess.FindByPort(azurite.QueuePort) is { } pid ? new ProcessMeter(pid) : null;
        await using var target = await LoopbackTarget.StartAlwaysOkAsync(cancellationToken);
        var service = azurite.CreateQueueServiceClient();
        var rounds = new List<DeliveryRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var raw = service.GetQueueClient($"bench-raw-{round}");
            log.WriteLine($"round {round}: prefilling {options.Messages} messages for the raw loop …");
            await Prefill.PutAsync(raw, BenchSettings.Source, $"raw{round}", options.Messages, options.BodyBytes, 16, cancellationToken);
            var rawResult = await DrainRawAsync(raw, options, azuriteMeter, cancellationToken);
            log.WriteLine($"round {round}: {rawResult}");

            var deliveries = $"bench-deliveries-{round}";
            var queue = service.GetQueueClient(deliveries);
            log.WriteLine($"round {round}: prefilling {options.Messages} messages for the worker …");
            await Prefill.PutAsync(queue, BenchSettings.Source, $"w{round}", options.Messages, options.BodyBytes, 16, cancellationToken);
            var workerResult = await DrainWithWorkerAsync(azurite, queue, deliveries, target, options, azuriteMeter, cancellationToken);
            log.WriteLine($"round {round}: {workerResult}");
            rounds.Add(new DeliveryRound(round, rawResult, workerResult));
        }

        return new DeliveryReport(options, rounds);
    }

    private static async Task<DrainResult> DrainRawAsync(QueueClient queue, DeliveryBenchmarkOptions options, ProcessMeter? azurite, CancellationToken cancellationToken)
    {
        var window = new ResourceWindow(null, azurite);
        var clock = Stopwatch.StartNew();
        window.Start();
        long deleted = 0;
        using var slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        var inFlight = new List<Task>();
        var emptyPolls = 0;
        while (emptyPolls < 3 && clock.Elapsed < options.Timeout)
        {
            await slots.WaitAsync(cancellationToken);
            var free = 1;
            while (free < options.BatchSize && slots.Wait(0))
            {
                free++;
            }

            var messages = (await queue.ReceiveMessagesAsync(free, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (messages.Length < free)
            {
                slots.Release(free - messages.Length);
            }

            if (messages.Length == 0)
            {
                emptyPolls = Interlocked.Read(ref deleted) >= options.Messages ? emptyPolls + 1 : 0;
                await Task.Delay(50, cancellationToken);
                continue;
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            foreach (var message in messages)
            {
                inFlight.Add(DeleteAsync(queue, message, slots, () => Interlocked.Increment(ref deleted), cancellationToken));
            }
        }

        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed;
        return new DrainResult("raw receive + delete", Interlocked.Read(ref deleted), elapsed, window.Stop(Interlocked.Read(ref deleted)));
    }

    private static async Task DeleteAsync(QueueClient queue, QueueMessage message, SemaphoreSlim slots, Action deleted, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            deleted();
        }
        finally
        {
            slots.Release();
        }
    }

    internal static async Task<DrainResult> DrainWithWorkerAsync(
        AzuriteFixture azurite, QueueClient queue, string queueName, LoopbackTarget target, DeliveryBenchmarkOptions options, ProcessMeter? azuriteMeter, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = BenchSettings.For(azurite.ConnectionString, target.Url, options.HostLogLevel);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        settings["Webhooks:Queues:Deliveries"] = queueName;
        settings["Webhooks:Delivery:BatchSize"] = options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Webhooks:Delivery:MaxConcurrency"] = options.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Webhooks:Delivery:MaxPollingInterval"] = "00:00:01";
        return await TimeDrainAsync(settings, queue, target, options.Messages, azuriteMeter, options.Timeout, "worker → target 200 → delete", (host, result) => result with
        {
            HostWarnings = host.CountOutputLines("warn:") + host.CountOutputLines("fail:"),
            HostLog = host.OutputTail(),
        }, cancellationToken);
    }

    /// <summary>
    /// Starts a worker host with <paramref name="settings"/> and times it draining <paramref name="queue"/>: the clock
    /// starts at the target's first call (so host start-up is not counted; the raw loop's process is warm too) and
    /// stops once the target has answered <paramref name="calls"/> calls and the queue is empty (every message
    /// deleted), or at the timeout. <paramref name="withHostFacts"/> adds what the host logged, before it stops.
    /// </summary>
    internal static async Task<DrainResult> TimeDrainAsync(
        IReadOnlyDictionary<string, string> settings, QueueClient queue, LoopbackTarget target, long calls, ProcessMeter? azuriteMeter, TimeSpan timeout, string name,
        Func<HostProcess, DrainResult, DrainResult> withHostFacts, CancellationToken cancellationToken)
    {
        var successesBefore = target.Successes;
        var callsBefore = target.Calls;
        await using var host = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, FreePorts.Take(1)[0], settings), cancellationToken);
        var wait = Stopwatch.StartNew();
        while (target.Calls == callsBefore && wait.Elapsed < timeout)
        {
            await Task.Delay(5, cancellationToken);
        }

        var window = new ResourceWindow(host.Meter, azuriteMeter);
        window.Start();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (target.Successes - successesBefore >= calls && (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount == 0)
            {
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        var elapsed = clock.Elapsed;
        var answered = target.Successes - successesBefore;
        return withHostFacts(host, new DrainResult(name, answered, elapsed, window.Stop(answered)));
    }
}

/// <summary>Settings of a delivery benchmark run.</summary>
/// <param name="Messages">Backlog size per drain.</param>
/// <param name="Rounds">How many times to measure both drains.</param>
/// <param name="BatchSize">Messages per receive (worker and raw loop).</param>
/// <param name="Concurrency">Messages in flight (worker and raw loop).</param>
/// <param name="BodyBytes">Body size.</param>
/// <param name="Timeout">Upper bound on one drain.</param>
/// <param name="HostLogLevel">The host's default log level.</param>
public sealed record DeliveryBenchmarkOptions(
    int Messages = 3000,
    int Rounds = 1,
    int BatchSize = 32,
    int Concurrency = 16,
    int BodyBytes = 1024,
    TimeSpan Timeout = default,
    string HostLogLevel = "Warning")
{
    /// <summary>Upper bound on one drain, 10 minutes unless set.</summary>
    public TimeSpan Timeout { get; init; } = Timeout == default ? TimeSpan.FromMinutes(10) : Timeout;
}

/// <summary>One drain.</summary>
/// <param name="Name">What drained it.</param>
/// <param name="Messages">Messages deleted (raw) or delivered (worker).</param>
/// <param name="Elapsed">From start (raw) or host ready (worker) to an empty queue.</param>
/// <param name="Resources">CPU per message.</param>
public sealed record DrainResult(string Name, long Messages, TimeSpan Elapsed, ResourceUse Resources)
{
    /// <summary>Messages per second.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? Messages / Elapsed.TotalSeconds : 0;

    /// <summary>Anything unusual about the drain (extra calls, failures the host logged); null when none.</summary>
    public string? Note { get; init; }

    /// <summary>Warning and error lines the worker's host logged during the drain (0 for the raw loop).</summary>
    public int HostWarnings { get; init; }

    /// <summary>What the worker's host wrote (empty for the raw loop), to see what a slow drain waited on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string HostLog { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name,-30} {Messages} messages in {Elapsed.TotalSeconds:F1} s = {PerSecond:F0}/s, host {Resources.HostCpuUs:F0} µs/msg, azurite {Resources.AzuriteCpuUs:F0} µs/msg, machine {Resources.MachineBusy:P0}"
        + (Note is null ? string.Empty : $" [{Note}]");
}

/// <summary>One round's two drains.</summary>
public sealed record DeliveryRound(int Round, DrainResult Raw, DrainResult Worker)
{
    /// <summary>Worker throughput over the raw loop (goal ≥ 0.8).</summary>
    public double WorkerVsRaw => Raw.PerSecond > 0 ? Worker.PerSecond / Raw.PerSecond : 0;
}

/// <summary>Every round of a delivery run.</summary>
public sealed record DeliveryReport(DeliveryBenchmarkOptions Options, IReadOnlyList<DeliveryRound> Rounds)
{
    /// <summary>The median ratio.</summary>
    public double MedianWorkerVsRaw
    {
        get
        {
            var sorted = Rounds.Select(r => r.WorkerVsRaw).Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
