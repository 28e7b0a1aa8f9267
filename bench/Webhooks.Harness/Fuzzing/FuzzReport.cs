using System.Globalization;
using System.Text;
using Webhooks.Harness.Reporting;

namespace Webhooks.Harness.Fuzzing;

/// <summary>What a fuzz run found.</summary>
public sealed class FuzzReport
{
    /// <summary>The run's settings.</summary>
    public required FuzzOptions Options { get; init; }

    /// <summary>Cases sent.</summary>
    public int Cases { get; init; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Cases by outcome.</summary>
    public required IReadOnlyDictionary<FuzzOutcome, int> Outcomes { get; init; }

    /// <summary>Statuses by category: category → status → count (0 = no answer).</summary>
    public required IReadOnlyDictionary<string, SortedDictionary<int, int>> StatusesByCategory { get; init; }

    /// <summary>Failures (and unexpected-but-documented answers), first few per kind, with their reproduction.</summary>
    public required IReadOnlyList<string> Findings { get; init; }

    /// <summary>Host RSS when the first sample was taken.</summary>
    public long RssFirstBytes { get; init; }

    /// <summary>Host RSS after a fifth of the run (baseline for growth).</summary>
    public long RssBaselineBytes { get; init; }

    /// <summary>Highest host RSS seen.</summary>
    public long RssPeakBytes { get; init; }

    /// <summary>Host RSS at the end.</summary>
    public long RssLastBytes { get; init; }

    /// <summary>True when the host still answered its health check at the end.</summary>
    public bool HostAlive { get; init; }

    /// <summary>"Unhandled exception" lines the host logged.</summary>
    public int UnhandledExceptionLines { get; init; }

    /// <summary>Cases answered 202.</summary>
    public int Accepted { get; init; }

    /// <summary>Messages on the deliveries queue after the run (null when not counted).</summary>
    public int? Queued { get; init; }

    /// <summary>True unless the queue was counted and holds a different number of messages than there were 202s.</summary>
    public bool QueueMatchesAccepted => Queued is null || Queued == Accepted;

    /// <summary>Cases whose outcome is a failure.</summary>
    public int Failures => Outcomes.Where(o => FuzzVerdict.IsFailure(o.Key)).Sum(o => o.Value);

    /// <summary>Memory growth from the baseline to the end.</summary>
    public long RssGrowthBytes => RssLastBytes - RssBaselineBytes;

    /// <summary>Flat: the end is within 10 % (and at least 16 MiB of slack) of the baseline.</summary>
    public bool MemoryFlat => RssGrowthBytes <= Math.Max(16L * 1024 * 1024, RssBaselineBytes / 10);

    /// <summary>Passed: no failure, the host alive, memory flat.</summary>
    public bool Passed => Failures == 0 && HostAlive && MemoryFlat && QueueMatchesAccepted;

    /// <summary>This report with the queue count.</summary>
    public FuzzReport WithQueued(int queued) => new()
    {
        Options = Options, Cases = Cases, Elapsed = Elapsed, Outcomes = Outcomes, StatusesByCategory = StatusesByCategory, Findings = Findings,
        RssFirstBytes = RssFirstBytes, RssBaselineBytes = RssBaselineBytes, RssPeakBytes = RssPeakBytes, RssLastBytes = RssLastBytes,
        HostAlive = HostAlive, UnhandledExceptionLines = UnhandledExceptionLines, Accepted = Accepted, Queued = queued,
    };

    internal static FuzzReport Create(FuzzOptions options, IReadOnlyList<FuzzResult> results, List<(TimeSpan At, long Rss)> memory, bool alive, TimeSpan elapsed, int unhandled)
    {
        var byCategory = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var statuses = byCategory.TryGetValue(result.Case.Category, out var s) ? s : byCategory[result.Case.Category] = [];
            statuses[result.Response.Status] = statuses.GetValueOrDefault(result.Response.Status) + 1;
        }

        // Failures and surprises, one example per (outcome, category, status); the expected kinds of refusal by the
        // server itself (Kestrel's 400/431, a client that hung up) are counted above, not listed.
        var findings = results
            .Where(r => r.Outcome is not (FuzzOutcome.Ok or FuzzOutcome.RejectedByServer or FuzzOutcome.AbandonedByClient))
            .GroupBy(r => (r.Outcome, r.Case.Category, r.Case.Detail, r.Response.Status))
            .OrderByDescending(g => FuzzVerdict.IsFailure(g.Key.Outcome))
            .Select(g => $"{g.Key.Outcome}: {g.Key.Category} / {g.Key.Detail} → {(g.Key.Status == 0 ? g.First().Response.Failure : g.Key.Status.ToString(CultureInfo.InvariantCulture))} ×{g.Count()} (case #{g.First().Case.Number}; expected {string.Join('/', g.First().Case.Expected)}; body {Snippet(g.First().Response.Body)}) request: {g.First().Reproduction()}")
            .Take(60)
            .ToList();

        var rss = memory.OrderBy(m => m.At).ToList();
        var baselineAt = elapsed / 5;
        return new FuzzReport
        {
            Options = options,
            Cases = results.Count,
            Accepted = results.Count(r => r.Response.Status == 202),
            Elapsed = elapsed,
            Outcomes = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count()),
            StatusesByCategory = byCategory,
            Findings = findings,
            RssFirstBytes = rss.Count > 0 ? rss[0].Rss : 0,
            RssBaselineBytes = rss.Count > 0 ? rss.First(m => m.At >= baselineAt || m == rss[^1]).Rss : 0,
            RssPeakBytes = rss.Count > 0 ? rss.Max(m => m.Rss) : 0,
            RssLastBytes = rss.Count > 0 ? rss[^1].Rss : 0,
            HostAlive = alive,
            UnhandledExceptionLines = unhandled,
        };
    }

    /// <summary>The report as Markdown.</summary>
    public string ToMarkdown(MachineFacts machine)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Seed {Options.Seed}, {Cases} cases, concurrency {Options.Concurrency}, {Elapsed.TotalSeconds:F0} s; host alive at the end: {(HostAlive ? "yes" : "NO")}; unhandled-exception log lines: {UnhandledExceptionLines}")
            .AppendLine(CultureInfo.InvariantCulture, $"Answered 202: {Accepted}; messages on the deliveries queue afterwards: {(Queued is { } q ? q.ToString(CultureInfo.InvariantCulture) : "not counted")} ({(QueueMatchesAccepted ? "every 202 queued once, nothing else queued" : "MISMATCH")})")
            .AppendLine(CultureInfo.InvariantCulture, $"Host RSS: first {Mib(RssFirstBytes)}, baseline (at 1/5 of the run) {Mib(RssBaselineBytes)}, peak {Mib(RssPeakBytes)}, end {Mib(RssLastBytes)} → growth {Mib(RssGrowthBytes)} ({(MemoryFlat ? "flat" : "GROWING")})")
            .AppendLine();
        var outcomes = new MarkdownTable("outcome", "cases");
        foreach (var outcome in Enum.GetValues<FuzzOutcome>())
        {
            outcomes.Add(outcome.ToString(), Outcomes.GetValueOrDefault(outcome).ToString(CultureInfo.InvariantCulture));
        }

        text.Append(outcomes).AppendLine();
        var statuses = new MarkdownTable("category", "cases", "answers (status×count; 0 = none)");
        foreach (var (category, counts) in StatusesByCategory)
        {
            statuses.Add(category, counts.Values.Sum().ToString(CultureInfo.InvariantCulture), string.Join(' ', counts.Select(c => $"{c.Key}×{c.Value}")));
        }

        text.Append(statuses).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Result: {(Passed ? "PASSED" : "FAILED")} — {Failures} failing case(s).");
        if (Findings.Count > 0)
        {
            text.AppendLine().AppendLine("Findings (first of each kind):");
            foreach (var finding in Findings)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {finding}");
            }
        }

        return text.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)));
        return body.Length == 0 ? "(empty)" : text.ReplaceLineEndings(" ");
    }
}
