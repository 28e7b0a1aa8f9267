namespace Webhooks.Harness.Measuring;

/// <summary>Whole-machine CPU use from <c>/proc/stat</c>, to show whether a run saturated the cores.</summary>
public static class MachineCpu
{
    /// <summary>The cumulative busy and total jiffies, or null when <c>/proc/stat</c> is unavailable.</summary>
    public static CpuTicks? Read()
    {
        try
        {
            var first = File.ReadLines("/proc/stat").FirstOrDefault();
            if (first is null || !first.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            var values = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();

            // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
            var idle = values[3] + (values.Length > 4 ? values[4] : 0);
            var total = values.Take(Math.Min(values.Length, 8)).Sum();
            return new CpuTicks(total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The busy share (0..1) of all cores between two readings.</summary>
    public static double? BusyBetween(CpuTicks? start, CpuTicks? end) =>
        start is { } s && end is { } e && e.Total > s.Total ? (double)(e.Busy - s.Busy) / (e.Total - s.Total) : null;
}

/// <summary>Cumulative jiffies.</summary>
public readonly record struct CpuTicks(long Busy, long Total);
