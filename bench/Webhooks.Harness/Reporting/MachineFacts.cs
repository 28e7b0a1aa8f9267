using System.Diagnostics;
using System.Runtime.InteropServices;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Reporting;

/// <summary>What a result was measured on, printed next to every result.</summary>
/// <param name="LogicalCores">Environment.ProcessorCount (nproc).</param>
/// <param name="CpuModel">"model name" from /proc/cpuinfo.</param>
/// <param name="MemoryGiB">MemTotal.</param>
/// <param name="Runtime">The .NET runtime running the harness (the hosts run on the same one).</param>
/// <param name="Os">The OS description.</param>
/// <param name="Commit">The repository's HEAD commit.</param>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="RuntimeKnobs">DOTNET_* runtime settings in this process's environment (the hosts inherit them).</param>
public sealed record MachineFacts(int LogicalCores, string CpuModel, double MemoryGiB, string Runtime, string Os, string Commit, DateTimeOffset StartedAt, string RuntimeKnobs)
{
    /// <summary>Reads the facts now.</summary>
    public static MachineFacts Collect() => new(
        Environment.ProcessorCount,
        ReadProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Math.Round((ParseKib(ReadProcField("/proc/meminfo", "MemTotal")) ?? 0) / 1024.0 / 1024.0, 1),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        GitCommit(),
        DateTimeOffset.UtcNow,
        string.Join(' ', Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)
                && !k.StartsWith("DOTNET_CLI_", StringComparison.Ordinal) && !k.StartsWith("DOTNET_GENERATE_", StringComparison.Ordinal)
                && !k.StartsWith("DOTNET_ROOT", StringComparison.Ordinal) && k is not ("DOTNET_NOLOGO" or "DOTNET_SKIP_FIRST_TIME_EXPERIENCE"))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")));

    /// <summary>One line for reports.</summary>
    public override string ToString() =>
        $"{LogicalCores} logical cores ({CpuModel}), {MemoryGiB} GiB, {Runtime}, {Os}, commit {Commit}, {StartedAt:yyyy-MM-dd HH:mm} UTC" +
        (RuntimeKnobs.Length > 0 ? $", runtime settings {RuntimeKnobs}" : ", default runtime settings");

    private static string? ReadProcField(string file, string field)
    {
        try
        {
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long? ParseKib(string? value) =>
        value is not null && long.TryParse(value.Split(' ')[0], out var kib) ? kib : null;

    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", RepositoryPaths.Root, "rev-parse", "--short", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return "unknown";
            }

            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit(5000);
            return commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
