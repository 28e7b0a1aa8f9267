using System.Globalization;
using System.Text;
using Webhooks.Harness.Scenarios;

namespace Webhooks.Harness.Reporting;

/// <summary>The large-body (claim-check) report as Markdown for docs/benchmarks.md.</summary>
public static class LargeBodyMarkdown
{
    private const int MaxCurveRows = 40;
    private const int MaxProblemLines = 10;

    /// <summary>Machine, load, intake and delivery figures, the memory table against its limit, the verdict, and the RSS curve.</summary>
    public static string Render(LargeBodyReport report, MachineFacts machine)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var intake = report.Intake;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Load: {o.Count} signed Standard Webhooks deliveries of {o.BodyBytes:N0} bytes ({Mib(o.BodyBytes)} MiB, each body and signature unique) at intake concurrency {o.Concurrency}; host upload block {o.BlockBytes:N0} bytes; workers on, delivering to a loopback target that answers 200 and hashes each body")
            .AppendLine(CultureInfo.InvariantCulture, $"Intake: answers {MarkdownTable.Outcomes(intake.Outcomes)} in {intake.Elapsed.TotalSeconds:F1} s: {intake.PerSecond:F2} req/s, {report.IntakeMiBPerSecond:F1} MiB/s of body, p50 {intake.P50Ms / 1000:F2} s, p99 {intake.P99Ms / 1000:F2} s per request{(intake.FirstError is { } error ? "; first error: " + error : string.Empty)}")
            .AppendLine(Delivery(report))
            .AppendLine(CultureInfo.InvariantCulture, $"Byte-for-byte at the target (length and SHA-256): {report.Verified} of {o.Count} verified{(report.DuplicateDeliveries > 0 ? $", {report.DuplicateDeliveries} duplicate 2xx" : string.Empty)}")
            .AppendLine(Cpu(report))
            .AppendLine()
            .AppendLine("| host RSS | MiB |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| baseline (idle after warm-up, mean of {report.BaselineSamples} samples) | {Mib(report.BaselineBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| peak (sampled every {o.SampleInterval.TotalMilliseconds:F0} ms from the first request to the last delivery) | {Mib(report.PeakBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| growth: peak − baseline | {Mib(report.GrowthBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| end (last sample) | {Mib(report.EndBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| bytes in flight at intake: {o.Concurrency} × body | {Mib(o.InFlightBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| upload buffers: {o.Concurrency} × block | {Mib(o.BufferBytes)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| growth ÷ bytes in flight | {report.GrowthPerInFlightByte:F2} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| growth ÷ upload buffers | {report.GrowthPerBufferByte:F2} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| limit: growth < {o.Concurrency} × block × {LargeBodyReport.GrowthLimitInBlocksPerRequest} | {Mib(report.GrowthLimitBytes)} ({(report.MemoryWithinLimit ? "met" : "MISSED")}) |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Result: {(report.Passed ? "PASSED" : "FAILED")} (all 202: {YesNo(report.AllAccepted)}, all verified: {YesNo(report.AllVerified)}, memory within the limit: {YesNo(report.MemoryWithinLimit)}, host alive: {YesNo(report.HostAlive)}).")
            .AppendLine();
        if (report.Problems.Count > 0)
        {
            text.AppendLine("Problems:");
            foreach (var problem in report.Problems.Take(MaxProblemLines))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {problem}");
            }

            if (report.Problems.Count > MaxProblemLines)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- … and {report.Problems.Count - MaxProblemLines} more");
            }

            text.AppendLine();
        }

        var step = Math.Max(1, (report.Samples.Count + MaxCurveRows - 1) / MaxCurveRows);
        var curve = new MarkdownTable("second", "RSS MiB", "host CPU s", "accepted (202)", "delivered (2xx)");
        foreach (var sample in report.Samples.Where((s, i) => i % step == 0 || i == report.Samples.Count - 1))
        {
            curve.Add(
                sample.Seconds.ToString("F1", CultureInfo.InvariantCulture),
                Mib(sample.RssBytes),
                sample.CpuSeconds.ToString("F1", CultureInfo.InvariantCulture),
                sample.Accepted.ToString(CultureInfo.InvariantCulture),
                sample.Delivered.ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(curve).ToString();
    }

    private static string Delivery(LargeBodyReport report) => report.AllDeliveredSeconds is { } seconds
        ? string.Create(CultureInfo.InvariantCulture, $"Delivery: every accepted body at the target {seconds:F1} s after the first request ({Math.Max(0, seconds - report.Intake.Elapsed.TotalSeconds):F1} s after the last answer)")
        : string.Create(CultureInfo.InvariantCulture, $"Delivery: NOT all accepted bodies reached the target within {report.Options.DeliveryTimeout.TotalSeconds:F0} s");

    private static string Cpu(LargeBodyReport report)
    {
        var window = report.Samples.Count > 0 ? report.Samples[^1].Seconds : 0;
        var mib = report.BytesSent / 1048576.0;
        var host = string.Create(CultureInfo.InvariantCulture, $"Host CPU: {report.HostCpuSeconds:F1} s over {window:F1} s ({(window > 0 ? report.HostCpuSeconds / window : 0):F2} cores on average), {(mib > 0 ? report.HostCpuSeconds * 1000 / mib : 0):F1} ms per MiB of body");
        return report.AzuriteCpuSeconds is { } azurite
            ? host + string.Create(CultureInfo.InvariantCulture, $"; Azurite CPU: {azurite:F1} s")
            : host;
    }

    private static string YesNo(bool value) => value ? "yes" : "NO";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
