using System.Diagnostics;
using System.Text;

namespace Webhooks.Testing.Azurite;

/// <summary>One running Azurite (blob, queue and table) on fixed loopback ports, persisting into a folder.</summary>
internal sealed class AzuriteProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AzuriteProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Starts Azurite and returns once the queue, blob and table ports accept connections.</summary>
    public static async Task<AzuriteProcess> StartAsync(AzuritePorts ports, string location, CancellationToken cancellationToken)
    {
        var executable = RepositoryPaths.AzuriteExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({executable} is missing). Run `bash eng/install-azurite.sh` from the repository root, then run the tests again.");
        }

        var started = new AzuriteProcess(new Process { StartInfo = CreateStartInfo(executable, ports, location), EnableRaisingEvents = true });
        try
        {
            started.Start();
            await started.WaitUntilListeningAsync(ports, cancellationToken);
            return started;
        }
        catch
        {
            started.Kill();
            started.Dispose();
            throw;
        }
    }

    /// <summary>Asks Azurite to shut down cleanly (SIGTERM) so it flushes its data, killing it if it does not exit in time.</summary>
    public async Task StopGracefullyAsync()
    {
        if (HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (signal is not null)
            {
                await signal.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(GracefulStopTimeout);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Fall through to a hard kill.
            }
        }

        Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Kills the process tree at once.</summary>
    public void Kill()
    {
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    private bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    private static ProcessStartInfo CreateStartInfo(string executable, AzuritePorts ports, string location)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = location,
        };
        string[] arguments =
        [
            "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", location,
            "--skipApiVersionCheck", "--silent",

            // Only loopback traffic is allowed here, and tests have no business sending usage data anyway.
            "--disableTelemetry",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A developer's custom accounts would break the well-known devstoreaccount1 key the tests use.
        info.Environment.Remove("AZURITE_ACCOUNTS");
        return info;
    }

    private void Start()
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private async Task WaitUntilListeningAsync(AzuritePorts ports, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in new[] { ports.Queue, ports.Blob, ports.Table })
        {
            while (!await FreePorts.IsAnsweringAsync(port, cancellationToken))
            {
                if (HasExited)
                {
                    var output = Output();
                    var message = $"Azurite exited with code {_process.ExitCode} before listening on port {port}. Output:\n{output}";
                    throw output.Contains("EADDRINUSE", StringComparison.Ordinal) ? new AzuritePortTakenException(message) : new InvalidOperationException(message);
                }

                if (deadline.Elapsed > StartTimeout)
                {
                    throw new TimeoutException($"Azurite did not listen on port {port} within {StartTimeout.TotalSeconds} s. Output:\n{Output()}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: enough to explain a failed start.
            if (_output.Length > 16_000)
            {
                _output.Remove(0, 8_000);
            }

            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}

/// <summary>The loopback ports one Azurite listens on.</summary>
internal sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    /// <summary>Three distinct loopback ports free right now.</summary>
    public static AzuritePorts TakeFree()
    {
        var ports = FreePorts.Take(3);
        return new AzuritePorts(Blob: ports[0], Queue: ports[1], Table: ports[2]);
    }
}

/// <summary>
/// Azurite could not listen because another process bound one of its ports between <see cref="FreePorts.Take"/>
/// releasing it and Azurite starting (seconds under load, while every test process takes ports of its own).
/// </summary>
internal sealed class AzuritePortTakenException(string message) : InvalidOperationException(message);
