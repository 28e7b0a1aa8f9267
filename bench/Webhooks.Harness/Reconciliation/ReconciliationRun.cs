using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Load;
using Webhooks.Harness.Targets;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Reconciliation;

/// <summary>
/// Nothing lost: sends deliveries through the running host (intake and workers in one child process) while a scripted
/// loopback target answers a mix of 2xx, 5xx, 429, 4xx and too-slow replies; restarts Azurite once and kills the
/// host once mid-run; drains; then reconciles what the sender was told against what the target received and what the
/// dead-letter queue holds.
/// </summary>
public static class ReconciliationRun
{
    /// <summary>Runs the whole reconciliation and returns the ledger.</summary>
    public static async Task<ReconciliationReport> RunAsync(ReconciliationOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var events = new List<string>();
        void Note(string text)
        {
            var line = $"{clock.Elapsed.TotalSeconds,7:F1} s  {text}";
            lock (events)
            {
                events.Add(line);
            }

            log.WriteLine(line);
        }

        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var slowDelay = options.WorkerTimeout * 2.5;
        await using var target = await LoopbackTarget.StartAsync((id, call) => DeliveryPlan.For(id, options.Seed).Answer(call, slowDelay), cancellationToken);
        var launch = new HostLaunch(HostBinaries.Server, FreePorts.Take(1)[0], HostSettings(options, azurite.ConnectionString, target.Url));
        var host = new HostHolder(await HostProcess.StartAsync(launch, cancellationToken));
        launch = host.Current.Launch; // on another port if the chosen one was taken meanwhile
        Note($"Azurite on {azurite.QueuePort}, host pid {host.Current.Pid} on {launch.BaseAddress}, target {target.Url}; {options.Deliveries} deliveries, seed {options.Seed}");

        var ledger = new ProviderLedger();
        var signer = new SignedDeliveries(BenchSettings.Source, BenchSettings.Secret, options.BodyBytes, $"rec{options.Seed}", TimeProvider.System);
        using var http = LoadHttp.Create(launch.BaseAddress, options.Concurrency, TimeSpan.FromSeconds(15));
        var settled = 0;
        try
        {
            var faults = InjectFaultsAsync(options, azurite, host, () => Volatile.Read(ref settled), Note, cancellationToken);
            using var sendDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            sendDeadline.CancelAfter(options.SendTimeout);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, options.Deliveries),
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = sendDeadline.Token },
                async (i, ct) =>
                {
                    await SendUntilAcknowledgedAsync(http, signer, signer.IdFor(i), ledger, options.ProviderMaxAttempts, ct);
                    Interlocked.Increment(ref settled);
                });
            Note($"sending done: {ledger.Acknowledged} of {options.Deliveries} acknowledged");
            await faults;

            await DrainAsync(azurite.CreateQueueServiceClient().GetQueueClient(options.DeliveriesQueue), target, options.DrainTimeout, Note, cancellationToken);
            var service = azurite.CreateQueueServiceClient();
            var (deadLetters, poisoned) = await ReadDeadLettersAsync(service, new TableServiceClient(azurite.ConnectionString), options, cancellationToken);
            var remaining = ((await service.GetQueueClient(options.DeliveriesQueue).GetPropertiesAsync(cancellationToken)).Value).ApproximateMessagesCount;
            Note($"drained: {deadLetters.Count} dead letters, {poisoned.Count} poisoned, {remaining} still queued");

            return ReconciliationReport.Create(
                options, ledger, target, deadLetters, poisoned, remaining, events, clock.Elapsed,
                host.Current.CountOutputLines("Unhandled exception") + host.EarlierUnhandled);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The host's settings: the bench source pointing at the target, short delays so the run ends in minutes.</summary>
    public static Dictionary<string, string> HostSettings(ReconciliationOptions options, string storage, Uri target)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = BenchSettings.For(storage, target);
        string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
        settings["Webhooks:Queues:Deliveries"] = options.DeliveriesQueue;
        settings["Webhooks:Queues:DeadLetter"] = options.DeadLetterQueue;
        settings["Webhooks:Delivery:MaxAttempts"] = options.MaxAttempts.ToString(CultureInfo.InvariantCulture);
        settings["Webhooks:Delivery:BaseDelay"] = Span(options.BaseDelay);
        settings["Webhooks:Delivery:MaxDelay"] = Span(TimeSpan.FromSeconds(5));
        settings["Webhooks:Delivery:Timeout"] = Span(options.WorkerTimeout);
        settings["Webhooks:Delivery:VisibilityTimeout"] = Span(options.VisibilityTimeout);
        settings["Webhooks:Delivery:MaxPollingInterval"] = Span(TimeSpan.FromSeconds(1));
        settings["Webhooks:Delivery:ShutdownGracePeriod"] = Span(TimeSpan.FromSeconds(5));
        settings["Webhooks:Intake:QueueWriteTimeout"] = Span(TimeSpan.FromSeconds(3));
        settings["Webhooks:Intake:UnavailableRetryAfterSeconds"] = "1";

        // A dedup claim written just before storage went away cannot be released, and holds resends of that id at
        // 503 deliveryInProgress until it times out (2 min by default, sized for slow 25 MiB uploads). Real
        // providers retry for hours; this simulated one gives up sooner, so the harness shortens the hold.
        settings["Webhooks:Intake:DedupPendingTimeout"] = Span(TimeSpan.FromSeconds(5));
        return settings;
    }

    // A provider: resend (same id, new timestamp and signature) until a 2xx, on 503, 5xx, 429 or no answer at all.
    private static async Task SendUntilAcknowledgedAsync(HttpClient http, SignedDeliveries signer, string id, ProviderLedger ledger, int maxAttempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            int status;
            try
            {
                status = await LoadHttp.SendAsync(http, signer.Create(id), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                status = 0;
            }

            ledger.Record(id, status);
            if (status is >= 200 and < 300)
            {
                return;
            }

            if (status is not (0 or 429 or >= 500))
            {
                // A refusal (401, 422 …) is final for a provider; the ledger shows it as never acknowledged.
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(3000, 250 * attempt)), cancellationToken);
        }
    }

    private static async Task InjectFaultsAsync(ReconciliationOptions options, AzuriteFixture azurite, HostHolder host, Func<int> settled, Action<string> note, CancellationToken cancellationToken)
    {
        async Task WaitForProgressAsync(double fraction)
        {
            while (settled() < options.Deliveries * fraction)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        var faults = new List<(double At, Func<Task> Inject)>();
        if (options.RestartAzurite)
        {
            faults.Add((options.AzuriteRestartAt, async () =>
            {
                note("fault: stopping Azurite (graceful, data kept)");
                await azurite.StopAsync();
                await Task.Delay(options.AzuriteDowntime, cancellationToken);
                await azurite.StartAsync();
                note("fault: Azurite back");
            }));
        }

        if (options.KillHost)
        {
            faults.Add((options.KillHostAt, async () =>
            {
                note($"fault: killing the host (SIGKILL, pid {host.Current.Pid}) with deliveries in flight");
                await host.KillAndRestartAsync(TimeSpan.FromSeconds(1), cancellationToken);
                note($"fault: host back (pid {host.Current.Pid})");
            }));
        }

        foreach (var (at, inject) in faults.OrderBy(f => f.At))
        {
            await WaitForProgressAsync(at);
            await inject();
        }
    }

    private static async Task DrainAsync(QueueClient deliveries, LoopbackTarget target, TimeSpan timeout, Action<string> note, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var emptyPolls = 0;
        var lastCalls = -1L;
        while (clock.Elapsed < timeout)
        {
            int count;
            try
            {
                count = ((await deliveries.GetPropertiesAsync(cancellationToken)).Value).ApproximateMessagesCount;
            }
            catch (Azure.RequestFailedException)
            {
                count = -1;
            }

            // Empty (invisible messages count too) and the target quiet for three polls in a row.
            var calls = target.Calls;
            emptyPolls = count == 0 && calls == lastCalls ? emptyPolls + 1 : 0;
            lastCalls = calls;
            if (emptyPolls >= 3)
            {
                note($"queue empty and target quiet after {clock.Elapsed.TotalSeconds:F0} s of draining");
                return;
            }

            await Task.Delay(1000, cancellationToken);
        }

        note($"drain timed out after {timeout.TotalSeconds:F0} s");
    }

    // Every dead letter as operators see it: the index, paged through by continuation (the host's poison messages are
    // indexed on that read); returns (delivery id, reason) for dead letters and poisoned messages apart.
    private static async Task<(List<(string Id, string Reason)> DeadLetters, List<(string Id, string Reason)> Poisoned)> ReadDeadLettersAsync(
        QueueServiceClient queues, TableServiceClient tables, ReconciliationOptions options, CancellationToken cancellationToken)
    {
        var store = DeadLetterStore.Create(queues, tables, new QueueNamesOptions { Deliveries = options.DeliveriesQueue, DeadLetter = options.DeadLetterQueue });
        var deadLetters = new List<(string, string)>();
        var poisoned = new List<(string, string)>();
        string? continuation = null;
        do
        {
            var page = await store.PageAsync(null, 500, continuation, cancellationToken);
            foreach (var item in page.Items)
            {
                (item.Poisoned ? poisoned : deadLetters).Add((item.Id, item.Poisoned ? "poisoned" : item.Reason));
            }

            continuation = page.HasMore ? page.Continuation : null;
        }
        while (continuation is not null);

        return (deadLetters, poisoned);
    }

    /// <summary>The running host, replaced when it is killed and restarted.</summary>
    private sealed class HostHolder(HostProcess host) : IAsyncDisposable
    {
        public HostProcess Current { get; private set; } = host;

        public int EarlierUnhandled { get; private set; }

        public async Task KillAndRestartAsync(TimeSpan downtime, CancellationToken cancellationToken)
        {
            var old = Current;
            old.Kill();
            EarlierUnhandled += old.CountOutputLines("Unhandled exception");
            await old.DisposeAsync();
            await Task.Delay(downtime, cancellationToken);
            Current = await HostProcess.RestartAsync(old.Launch, cancellationToken);
        }

        public ValueTask DisposeAsync() => Current.DisposeAsync();
    }
}
