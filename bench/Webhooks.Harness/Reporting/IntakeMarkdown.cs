using System.Globalization;
using System.Text;
using Webhooks.Harness.Scenarios;

namespace Webhooks.Harness.Reporting;

/// <summary>The intake report as Markdown for docs/benchmarks.md.</summary>
public static class IntakeMarkdown
{
    /// <summary>Machine, settings, every scenario of every round, and the two ratios against their goals.</summary>
    public static string Render(IntakeReport report, MachineFacts machine)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Settings: concurrency {o.Concurrency}, {o.Duration.TotalSeconds} s measured after {o.Warmup.TotalSeconds} s warm-up per scenario, {o.Rounds} round(s) in ABBA order, {o.BodyBytes}-byte bodies, host log level {o.HostLogLevel}{(o.HostEnvironment is { Count: > 0 } env ? ", host environment " + string.Join(' ', env.Select(e => $"{e.Key}={e.Value}")) : string.Empty)}")
            .AppendLine();
        var table = MarkdownTable.ForScenarios();
        foreach (var round in report.Rounds)
        {
            var r = round.Round.ToString(CultureInfo.InvariantCulture);
            table.AddScenario(r, round.RawPut).AddScenario(r, round.RawDedupPut).AddScenario(r, round.Intake).AddScenario(r, round.IntakeWithoutDedup).AddScenario(r, round.Sink).AddScenario(r, round.Bare);
        }

        text.Append(table).AppendLine();
        var ratios = new MarkdownTable("round", "(a) intake ÷ raw put (goal ≥ 0.8)", "intake ÷ raw claim+put+confirm", "intake with dedup off ÷ raw put", "(b) sink ÷ bare Kestrel (goal ≥ 0.6)");
        foreach (var round in report.Rounds)
        {
            ratios.Add(round.Round.ToString(CultureInfo.InvariantCulture), Ratio(round.IntakeVsRawPut, 0.8), Plain(round.IntakeVsRawDedupPut), Plain(round.IntakeWithoutDedupVsRawPut), Ratio(round.SinkVsBare, 0.6));
        }

        ratios.Add("median of rounds", Ratio(report.MedianIntakeVsRawPut, 0.8), Plain(report.MedianIntakeVsRawDedupPut), Plain(report.MedianIntakeWithoutDedupVsRawPut), Ratio(report.MedianSinkVsBare, 0.6));
        ratios.Add("pooled (all requests ÷ all time)", Ratio(report.PooledIntakeVsRawPut, 0.8), Plain(report.PooledIntakeVsRawDedupPut), Plain(report.PooledIntakeWithoutDedupVsRawPut), Ratio(report.PooledSinkVsBare, 0.6));
        return text.Append(ratios).ToString();
    }

    private static string Plain(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>"0.83 (met)" or "0.52 (missed)".</summary>
    public static string Ratio(double value, double goal) =>
        string.Create(CultureInfo.InvariantCulture, $"{value:F2} ({(value >= goal ? "met" : "missed")})");
}
