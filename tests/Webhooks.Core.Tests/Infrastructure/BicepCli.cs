using System.Diagnostics;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>Runs the pinned Bicep CLI that <c>bash eng/install-bicep.sh</c> links as eng/bicep/bin/bicep.</summary>
internal static class BicepCli
{
    public const string RelativePath = "eng/bicep/bin/bicep";

    // Generous for a cold CLI on a busy machine; only a hung process ever reaches it, and then fails instead of
    // stalling the run.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/> and fails with its error output unless it exits 0.</summary>
    public static async Task RunAsync(IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var executable = RepositoryFiles.PathOf(RelativePath);
        if (!File.Exists(executable))
        {
            // Never a skip: a machine without the CLI would otherwise pass without checking infra/ at all.
            throw new InvalidOperationException($"The Bicep CLI is missing ({RelativePath}): run `bash eng/install-bicep.sh` first.");
        }

        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {RelativePath}.");
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limited.CancelAfter(Limit);
        var output = process.StandardOutput.ReadToEndAsync(limited.Token);
        var errors = process.StandardError.ReadToEndAsync(limited.Token);
        try
        {
            await process.WaitForExitAsync(limited.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var (stdout, stderr) = (await output, await errors);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"bicep {string.Join(' ', arguments)} exited {process.ExitCode}:\n{stderr}{stdout}");
        }
    }
}
