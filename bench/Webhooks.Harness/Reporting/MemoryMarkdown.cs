using System.Globalization;
using System.Text;
using Webhooks.Harness.Scenarios;

namespace Webhooks.Harness.Reporting;

/// <summary>The memory report as Markdown for docs/benchmarks.md.</summary>
public static class MemoryMarkdown
{
    /// <summary>Machine, load, peak and growth, and the RSS curve every 30 s (every 5 s for short runs).</summary>
    public static string Render(MemoryReport report, MachineFacts machine)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Load: {o.Duration.TotalSeconds:F0} s, intake concurrency {o.Concurrency} (85 % valid, 5 % forged signature, 5 % not JSON, 5 % unknown source), workers delivering to a loopback target answering the reconciliation mix")
            .AppendLine(CultureInfo.InvariantCulture, $"Intake: {report.Intake.Operations} requests, {report.Intake.PerSecond:F0}/s, p50 {report.Intake.P50Ms:F1} ms, p99 {report.Intake.P99Ms:F1} ms, answers {MarkdownTable.Outcomes(report.Intake.Outcomes)}; delivered (2xx at the target): {report.Delivered}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"| host RSS | MiB |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| peak | {Mib(report.PeakBytes)} (goal < 300) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| baseline (mean of 10 s from {report.BaselineSeconds:F0} s) | {Mib(report.BaselineBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| end (mean of the last 10 s) | {Mib(report.EndBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| growth baseline → end | {Mib(report.GrowthBytes)} ({(report.Flat ? "flat" : "GROWING")}) |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Result: {(report.Passed ? "PASSED" : "FAILED")} (host alive: {(report.HostAlive ? "yes" : "NO")}).")
            .AppendLine();
        var step = report.Options.Duration.TotalSeconds >= 300 ? 30 : 5;
        var curve = new MarkdownTable("second", "RSS MiB", "host CPU s", "delivered");
        foreach (var sample in report.Samples.Where((s, i) => i % step == 0 || i == report.Samples.Count - 1))
        {
            curve.Add(sample.Seconds.ToString("F0", CultureInfo.InvariantCulture), Mib(sample.RssBytes), sample.CpuSeconds.ToString("F1", CultureInfo.InvariantCulture), sample.Delivered.ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(curve).ToString();
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
