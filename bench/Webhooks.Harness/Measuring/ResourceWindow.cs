using System.Diagnostics;

namespace Webhooks.Harness.Measuring;

/// <summary>CPU used by the host, Azurite, the load generator and the whole machine between <see cref="Start"/> and <see cref="Stop"/>.</summary>
public sealed class ResourceWindow
{
    private readonly ProcessMeter? _host;
    private readonly ProcessMeter? _azurite;
    private ProcessSample? _hostStart;
    private ProcessSample? _azuriteStart;
    private TimeSpan _selfStart;
    private CpuTicks? _machineStart;

    /// <summary>Meters the given processes (either may be null).</summary>
    public ResourceWindow(ProcessMeter? host, ProcessMeter? azurite)
    {
        _host = host;
        _azurite = azurite;
    }

    /// <summary>Takes the opening readings.</summary>
    public void Start()
    {
        _hostStart = _host?.TryRead();
        _azuriteStart = _azurite?.TryRead();
        _selfStart = Process.GetCurrentProcess().TotalProcessorTime;
        _machineStart = MachineCpu.Read();
    }

    /// <summary>Takes the closing readings and divides CPU time by <paramref name="operations"/>.</summary>
    public ResourceUse Stop(long operations)
    {
        var hostEnd = _host?.TryRead();
        var azuriteEnd = _azurite?.TryRead();
        var self = Process.GetCurrentProcess().TotalProcessorTime - _selfStart;
        var machine = MachineCpu.BusyBetween(_machineStart, MachineCpu.Read());
        return new ResourceUse(
            PerOperation(_hostStart, hostEnd, operations),
            PerOperation(_azuriteStart, azuriteEnd, operations),
            operations > 0 ? self.TotalMicroseconds / operations : null,
            machine,
            hostEnd?.RssBytes);
    }

    private static double? PerOperation(ProcessSample? start, ProcessSample? end, long operations) =>
        start is { } s && end is { } e && operations > 0 ? (e.CpuTime - s.CpuTime).TotalMicroseconds / operations : null;
}

/// <summary>CPU per operation in microseconds, by process, and the machine's busy share.</summary>
/// <param name="HostCpuUs">Host process CPU per operation.</param>
/// <param name="AzuriteCpuUs">Azurite CPU per operation.</param>
/// <param name="LoadGeneratorCpuUs">This process's CPU per operation (load generator, and any in-process target).</param>
/// <param name="MachineBusy">Share of all cores busy (0..1), every process on the machine included.</param>
/// <param name="HostRssBytes">Host resident memory at the end.</param>
public sealed record ResourceUse(double? HostCpuUs, double? AzuriteCpuUs, double? LoadGeneratorCpuUs, double? MachineBusy, long? HostRssBytes);
