using System.Globalization;
using System.Text;
using Webhooks.Harness.Load;

namespace Webhooks.Harness.Reporting;

/// <summary>A Markdown table, also readable as plain text on stdout.</summary>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row (cells in header order).</summary>
    public MarkdownTable Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    /// <summary>The standard columns of a measured scenario.</summary>
    public static MarkdownTable ForScenarios() =>
        new("round", "scenario", "req/s", "p50 ms", "p99 ms", "host CPU µs/req", "Azurite CPU µs/req", "loadgen CPU µs/req", "machine busy", "outcomes");

    /// <summary>Adds a scenario in the <see cref="ForScenarios"/> columns.</summary>
    public MarkdownTable AddScenario(string round, ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Add(
            round,
            result.Name,
            Number(result.Loop.PerSecond, "F0"),
            Number(result.Loop.P50Ms, "F2"),
            Number(result.Loop.P99Ms, "F2"),
            Number(result.Resources.HostCpuUs, "F0"),
            Number(result.Resources.AzuriteCpuUs, "F0"),
            Number(result.Resources.LoadGeneratorCpuUs, "F0"),
            result.Resources.MachineBusy is { } busy ? busy.ToString("P0", CultureInfo.InvariantCulture) : "–",
            Outcomes(result.Loop.Outcomes));
    }

    /// <summary>"202×1234 503×2".</summary>
    public static string Outcomes(IReadOnlyDictionary<int, long> outcomes) =>
        string.Join(' ', outcomes.OrderBy(o => o.Key).Select(o => $"{(o.Key == LoopResult.TransportFailure ? "failed" : o.Key.ToString(CultureInfo.InvariantCulture))}×{o.Value}"));

    /// <summary>A number, or an en dash when absent.</summary>
    public static string Number(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        text.Append('|').AppendJoin('|', headers.Select(_ => "---")).AppendLine("|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }
}
