using System.Text.Json;
using System.Text.Json.Serialization;

namespace Webhooks.Harness.Reporting;

/// <summary>Writes a report as indented JSON (for the docs' JSON blocks and for diffing runs).</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON text.</summary>
    public static string ToJson<T>(T report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Writes the report to <paramref name="path"/> when one is given.</summary>
    public static async Task WriteAsync<T>(string? path, T report)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        await File.WriteAllTextAsync(path, ToJson(report));
    }
}
