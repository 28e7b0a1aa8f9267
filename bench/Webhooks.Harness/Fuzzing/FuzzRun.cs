using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Webhooks.Harness.Hosts;
using Webhooks.Harness.Measuring;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Fuzzing;

/// <summary>
/// Sends the seeded corpus to the real host (Kestrel, child process, real Azurite) and judges every answer: only
/// documented statuses, problem bodies on errors, no 500, no hang, the process alive, memory flat.
/// </summary>
public static class FuzzRun
{
    /// <summary>Starts Azurite and the host, runs the corpus, stops both.</summary>
    public static async Task<FuzzReport> RunAsync(FuzzOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var port = FreePorts.Take(1)[0];
        await using var host = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, port, FuzzSources.Settings(azurite.ConnectionString)), cancellationToken);
        log.WriteLine($"Fuzzing {host.BaseAddress} (pid {host.Pid}), seed {options.Seed}, {options.Count} cases, concurrency {options.Concurrency}");
        var report = await RunAgainstAsync(host, options, log, cancellationToken);

        // Every 202 (and nothing else) must have put exactly one message on the deliveries queue.
        var queued = (await azurite.CreateQueueServiceClient().GetQueueClient("webhooks-deliveries").GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        report = report.WithQueued(queued);
        if (options.ShowHostLog)
        {
            log.WriteLine("---- host output (tail) ----");
            log.WriteLine(host.OutputTail());
        }

        return report;
    }

    /// <summary>Runs the corpus against a host that is already running with <see cref="FuzzSources.Settings"/>.</summary>
    public static async Task<FuzzReport> RunAgainstAsync(HostProcess host, FuzzOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var corpus = new FuzzCorpus(options.Seed, $"127.0.0.1:{host.Launch.Port}", TimeProvider.System);
        var cases = corpus.Generate(options.Count);
        if (options.Only is { } only)
        {
            cases = cases.Where(c => c.Number == only);
        }

        if (options.Category is { } category)
        {
            cases = cases.Where(c => c.Category == category);
        }

        var results = new ConcurrentBag<FuzzResult>();
        var memory = new List<(TimeSpan At, long Rss)>();
        var clock = Stopwatch.StartNew();
        using var stopSampling = new CancellationTokenSource();
        var sampling = SampleMemoryAsync(host, memory, clock, stopSampling.Token);

        await Parallel.ForEachAsync(
            cases,
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (fuzzCase, ct) =>
            {
                var timeout = fuzzCase.Mode == SendMode.Whole ? options.CaseTimeout : options.SlowCaseTimeout;
                var response = await RawHttp.SendAsync(host.Launch.Port, fuzzCase, timeout, ct);
                var outcome = FuzzVerdict.Judge(fuzzCase, response);
                results.Add(new FuzzResult(fuzzCase, response, outcome));
                if (results.Count % 1000 == 0)
                {
                    log.WriteLine($"  {results.Count} cases, {clock.Elapsed.TotalSeconds:F0} s, host RSS {(host.Sample()?.RssBytes ?? 0) / 1048576.0:F0} MiB");
                }
            });

        await stopSampling.CancelAsync();
        await sampling;
        var alive = !host.HasExited && await AnswersHealthAsync(host, cancellationToken);
        return FuzzReport.Create(options, [.. results.OrderBy(r => r.Case.Number)], memory, alive, clock.Elapsed, host.CountOutputLines("Unhandled exception"));
    }

    private static async Task SampleMemoryAsync(HostProcess host, List<(TimeSpan At, long Rss)> samples, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                if (host.Sample() is { } sample)
                {
                    lock (samples)
                    {
                        samples.Add((clock.Elapsed, sample.RssBytes));
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<bool> AnswersHealthAsync(HostProcess host, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Settings of a fuzz run.</summary>
/// <param name="Seed">The corpus seed (same seed, same cases).</param>
/// <param name="Count">How many cases.</param>
/// <param name="Concurrency">Connections in flight at once.</param>
/// <param name="Only">Run only this case number (the corpus is still generated up to it, so it is the same case).</param>
/// <param name="CaseTimeout">Time limit for a case sent at once.</param>
/// <param name="SlowCaseTimeout">Time limit for slow, stalled and half-closed cases (Kestrel's body rate check takes ~5 s).</param>
/// <param name="ShowHostLog">Print the host's output at the end (to see the exception behind a 500).</param>
/// <param name="Category">Send only this category's cases (still generated in sequence, so they are the same cases).</param>
public sealed record FuzzOptions(int Seed = 8, int Count = 10_000, int Concurrency = 16, int? Only = null, TimeSpan CaseTimeout = default, TimeSpan SlowCaseTimeout = default, bool ShowHostLog = false, string? Category = null)
{
    /// <summary>The case timeout, 10 s unless set.</summary>
    public TimeSpan CaseTimeout { get; init; } = CaseTimeout == default ? TimeSpan.FromSeconds(10) : CaseTimeout;

    /// <summary>The slow case timeout, 30 s unless set.</summary>
    public TimeSpan SlowCaseTimeout { get; init; } = SlowCaseTimeout == default ? TimeSpan.FromSeconds(30) : SlowCaseTimeout;
}

/// <summary>One case and what happened.</summary>
public sealed record FuzzResult(FuzzCase Case, RawResponse Response, FuzzOutcome Outcome)
{
    /// <summary>The request as text for a report: head (Latin-1) and the start of the body, both bounded.</summary>
    public string Reproduction()
    {
        var head = Encoding.Latin1.GetString(Case.Head);
        if (head.Length > 1500)
        {
            head = head[..1500] + $"… ({Case.Head.Length} bytes)";
        }

        var body = Case.Body.Length <= 300 ? Convert.ToBase64String(Case.Body) : Convert.ToBase64String(Case.Body.AsSpan(0, 300)) + $"… ({Case.Body.Length} bytes)";
        return $"{head.ReplaceLineEndings("\\r\\n")} body(base64)={body} mode={Case.Mode}";
    }
}
