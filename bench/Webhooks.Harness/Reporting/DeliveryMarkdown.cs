using System.Globalization;
using System.Text;
using Webhooks.Harness.Scenarios;

namespace Webhooks.Harness.Reporting;

/// <summary>The delivery report as Markdown for docs/benchmarks.md.</summary>
public static class DeliveryMarkdown
{
    /// <summary>Machine, settings, both drains per round and the ratio against its goal.</summary>
    public static string Render(DeliveryReport report, MachineFacts machine)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Settings: backlog {o.Messages} messages per drain, batch {o.BatchSize}, {o.Concurrency} in flight, {o.BodyBytes}-byte bodies, {o.Rounds} round(s), host log level {o.HostLogLevel}")
            .AppendLine();
        var table = new MarkdownTable("round", "drain", "messages", "seconds", "messages/s", "host CPU µs/msg", "Azurite CPU µs/msg", "loadgen+target CPU µs/msg", "machine busy");
        foreach (var round in report.Rounds)
        {
            foreach (var drain in new[] { round.Raw, round.Worker })
            {
                table.Add(
                    round.Round.ToString(CultureInfo.InvariantCulture),
                    drain.Name,
                    drain.Messages.ToString(CultureInfo.InvariantCulture),
                    MarkdownTable.Number(drain.Elapsed.TotalSeconds, "F1"),
                    MarkdownTable.Number(drain.PerSecond, "F0"),
                    MarkdownTable.Number(drain.Resources.HostCpuUs, "F0"),
                    MarkdownTable.Number(drain.Resources.AzuriteCpuUs, "F0"),
                    MarkdownTable.Number(drain.Resources.LoadGeneratorCpuUs, "F0"),
                    drain.Resources.MachineBusy is { } busy ? busy.ToString("P0", CultureInfo.InvariantCulture) : "–");
            }
        }

        text.Append(table).AppendLine();
        var ratios = new MarkdownTable("round", "worker ÷ raw receive+delete (goal ≥ 0.8)");
        foreach (var round in report.Rounds)
        {
            ratios.Add(round.Round.ToString(CultureInfo.InvariantCulture), IntakeMarkdown.Ratio(round.WorkerVsRaw, 0.8));
        }

        ratios.Add("median", IntakeMarkdown.Ratio(report.MedianWorkerVsRaw, 0.8));
        return text.Append(ratios).ToString();
    }
}
