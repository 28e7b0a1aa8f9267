using System.Diagnostics;
using System.Globalization;
using System.Text;
using Webhooks.Harness.Measuring;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Hosts;

/// <summary>
/// A host (the real <c>Webhooks.Server</c>, or <c>Webhooks.BenchHost</c>) running as a child process on a loopback
/// port, configured only through environment variables — as in a container. A separate process gives honest RSS and
/// CPU numbers and can be killed like a crashed worker.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ProcessMeter _meter;

    private HostProcess(Process process, HostLaunch launch)
    {
        _process = process;
        Launch = launch;
        _meter = new ProcessMeter(process.Id);
    }

    /// <summary>How it was started (restart with the same settings via <see cref="StartAsync"/>).</summary>
    public HostLaunch Launch { get; }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public Uri BaseAddress => Launch.BaseAddress;

    /// <summary>True once the process has exited (crashed, killed or stopped).</summary>
    public bool HasExited
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

    /// <summary>Its exit code once exited.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts the host and returns once it answers HTTP on its port. The launch's port is a free one taken a moment
    /// ago: if another process bound it meanwhile, the host starts again on another (up to three tries), so read the
    /// address from <see cref="BaseAddress"/> or <see cref="Launch"/>, not from the launch passed in.
    /// </summary>
    public static async Task<HostProcess> StartAsync(HostLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RestartAsync(launch, cancellationToken);
            }
            catch (HostPortTakenException) when (attempt < 3)
            {
                launch = launch with { Port = FreePorts.Take(1)[0] };
            }
        }
    }

    /// <summary>Starts the host on exactly the launch's port (a restart: callers already hold its address).</summary>
    public static async Task<HostProcess> RestartAsync(HostLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // The content root is the working directory: the host finds its appsettings.json there.
            WorkingDirectory = Path.GetDirectoryName(launch.Assembly)!,
        };
        info.ArgumentList.Add(launch.Assembly);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Webhooks__", StringComparison.OrdinalIgnoreCase) || k == "AzureWebJobsStorage").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = launch.Environment;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = launch.Environment;
        info.Environment["Urls"] = launch.BaseAddress.ToString().TrimEnd('/');
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in launch.Settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Start();
        var host = new HostProcess(process, launch);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilAnsweringAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Kill();
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads this process's memory and CPU time.</summary>
    public ProcessMeter Meter => _meter;

    /// <summary>Resident memory and CPU time now, or null once exited.</summary>
    public ProcessSample? Sample() => _meter.TryRead();

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, in-flight work is simply lost.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Asks the host to shut down (SIGTERM, graceful), killing it if it takes longer than 15 s.</summary>
    public async Task StopAsync()
    {
        if (HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (signal is not null)
            {
                await signal.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Kill();
    }

    /// <summary>The last lines the host wrote (stdout and stderr), for failure messages.</summary>
    public string OutputTail()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Lines of output containing <paramref name="text"/> (e.g. "Unhandled", "fail:").</summary>
    public int CountOutputLines(string text)
    {
        lock (_output)
        {
            return _output.ToString().Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _meter.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (HasExited)
            {
                var output = OutputTail();
                var message = $"{Path.GetFileName(Launch.Assembly)} exited with code {_process.ExitCode} before answering. Output:\n{output}";
                throw output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) ? new HostPortTakenException(message) : new InvalidOperationException(message);
            }

            try
            {
                // Any HTTP answer (200, or 503 while storage is down) means Kestrel is up.
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"{Path.GetFileName(Launch.Assembly)} did not answer on {BaseAddress} within {StartTimeout.TotalSeconds} s. Output:\n{OutputTail()}");
            }

            await Task.Delay(100, cancellationToken);
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
            // Keep the tail only: enough to explain a failure, bounded however long the run.
            if (_output.Length > 64_000)
            {
                _output.Remove(0, 32_000);
            }

            _output.AppendLine(line);
        }
    }
}

/// <summary>Kestrel could not bind the launch's port: another process took it after it was chosen.</summary>
internal sealed class HostPortTakenException(string message) : InvalidOperationException(message);
