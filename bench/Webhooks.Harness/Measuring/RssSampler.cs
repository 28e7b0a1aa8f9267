using System.Diagnostics;
using System.Globalization;
using Webhooks.Harness.Hosts;

namespace Webhooks.Harness.Measuring;

/// <summary>
/// Samples a host's resident memory and CPU time at a fixed interval in the background, from
/// <see cref="Start"/> until <see cref="StopAsync"/>, with the load's progress at each sample.
/// </summary>
/// <param name="host">The process to sample.</param>
/// <param name="interval">Time between samples.</param>
/// <param name="accepted">Requests intake acknowledged so far.</param>
/// <param name="delivered">Deliveries the target answered 2xx so far.</param>
public sealed class RssSampler(HostProcess host, TimeSpan interval, Func<long> accepted, Func<long> delivered) : IAsyncDisposable
{
    private readonly List<RssSample> _samples = [];
    private readonly Stopwatch _clock = new();
    private CancellationTokenSource? _stop;
    private Task? _loop;

    /// <summary>The samples so far (a copy).</summary>
    public IReadOnlyList<RssSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Takes a first sample now and keeps sampling; writes a line to <paramref name="log"/> every <paramref name="logEvery"/>.</summary>
    public void Start(TextWriter? log = null, TimeSpan? logEvery = null)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The sampler is already running.");
        }

        _stop = new CancellationTokenSource();
        _clock.Restart();
        _loop = RunAsync(log, logEvery ?? TimeSpan.FromSeconds(5), _stop.Token);
    }

    /// <summary>Stops sampling (after one last sample) and returns every sample.</summary>
    public async Task<IReadOnlyList<RssSample>> StopAsync()
    {
        if (_stop is null || _loop is null)
        {
            return Samples;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _stop = null;
        _loop = null;
        Take();
        return Samples;
    }

    /// <summary>Stops sampling if it still runs.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task RunAsync(TextWriter? log, TimeSpan logEvery, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        var nextLog = logEvery;
        try
        {
            do
            {
                if (Take() is { } sample && log is not null && _clock.Elapsed >= nextLog)
                {
                    nextLog += logEvery;
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {sample.Seconds,6:F1} s  host RSS {sample.RssBytes / 1048576.0,7:F1} MiB  accepted {sample.Accepted}  delivered {sample.Delivered}"));
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private RssSample? Take()
    {
        if (host.Sample() is not { } reading)
        {
            return null;
        }

        var sample = new RssSample(_clock.Elapsed.TotalSeconds, reading.RssBytes, reading.CpuTime.TotalSeconds, accepted(), delivered());
        lock (_samples)
        {
            _samples.Add(sample);
        }

        return sample;
    }
}

/// <summary>One reading of the host.</summary>
/// <param name="Seconds">Since the sampler started.</param>
/// <param name="RssBytes">Resident memory.</param>
/// <param name="CpuSeconds">Host CPU time since it started.</param>
/// <param name="Accepted">Requests acknowledged by intake so far.</param>
/// <param name="Delivered">Deliveries answered 2xx by the target so far.</param>
public sealed record RssSample(double Seconds, long RssBytes, double CpuSeconds, long Accepted, long Delivered);
