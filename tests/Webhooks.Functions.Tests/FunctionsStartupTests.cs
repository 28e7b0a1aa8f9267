using System.Diagnostics;
using System.Reflection;

namespace Webhooks.Functions.Tests;

/// <summary>The built Functions app, started as the host starts it, refuses a wrong setting with one clear line.</summary>
public sealed class FunctionsStartupTests
{
    [Fact]
    public async Task QueueCountAboveTheWiredTriggers_StopsTheApp_WithOneLine_AndExitCode2()
    {
        var (exitCode, stdout, stderr) = await RunFunctionsAppAsync(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Webhooks__Queues__Count"] = "9",
        });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Configuration error: Webhooks:Queues:Count is 9", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryInvalidSetting_GetsItsOwnLine()
    {
        var (exitCode, _, stderr) = await RunFunctionsAppAsync(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Webhooks__Queues__Count"] = "9",
            ["Webhooks__Sources__shop__Verification"] = "bogus",
        });

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("Webhooks:Queues:Count", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Webhooks:Sources:shop:Verification", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("Configuration error: ", l, StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunFunctionsAppAsync(Dictionary<string, string> environment)
    {
        var directory = typeof(FunctionsStartupTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FunctionsOutputDirectory").Value!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "Webhooks.Functions.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The Functions app neither started nor stopped within 60 s.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
