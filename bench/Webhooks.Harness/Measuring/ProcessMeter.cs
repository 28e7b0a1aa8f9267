using System.Diagnostics;

namespace Webhooks.Harness.Measuring;

/// <summary>Reads another process's resident memory and CPU time (Linux: <c>/proc/&lt;pid&gt;</c>).</summary>
public sealed class ProcessMeter : IDisposable
{
    private readonly Process _process;

    /// <summary>Meters the process with this id.</summary>
    public ProcessMeter(int pid)
    {
        Pid = pid;
        _process = Process.GetProcessById(pid);
    }

    /// <summary>The process id.</summary>
    public int Pid { get; }

    /// <summary>The current reading, or null once the process has gone.</summary>
    public ProcessSample? TryRead()
    {
        try
        {
            _process.Refresh();
            if (_process.HasExited)
            {
                return null;
            }

            return new ProcessSample(Stopwatch.GetTimestamp(), ReadRss(Pid) ?? _process.WorkingSet64, _process.TotalProcessorTime);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    // VmRSS straight from the kernel: what `ps`/`top` show, including native memory the GC does not see.
    private static long? ReadRss(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], out var kib) ? kib * 1024 : null;
            }
        }

        return null;
    }
}

/// <summary>One reading of a process.</summary>
/// <param name="Timestamp">When (<see cref="Stopwatch.GetTimestamp"/>).</param>
/// <param name="RssBytes">Resident set size.</param>
/// <param name="CpuTime">User plus system CPU time since the process started.</param>
public readonly record struct ProcessSample(long Timestamp, long RssBytes, TimeSpan CpuTime);
