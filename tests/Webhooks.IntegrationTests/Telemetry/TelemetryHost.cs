using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Webhooks.Hosting;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>
/// The real host with OpenTelemetry's in-memory exporters on the engine's instrumentation (what an operator's exporter
/// would receive). Listeners are process-wide, so the collections also see other tests' spans: assert by delivery id,
/// trace id or a source name of the test's own.
/// </summary>
internal sealed class TelemetryHost(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public LockedCollection<Activity> Spans { get; } = new();

    public LockedCollection<MetricSnapshot> Metrics { get; } = new();

    /// <summary>Collects the metrics now and returns the latest snapshot of each instrument.</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> CollectMetrics()
    {
        Metrics.Clear();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        return Metrics.Snapshot().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddWebhooksInstrumentation().AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddWebhooksInstrumentation().AddInMemoryExporter(Metrics)));
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return base.CreateHost(builder);
    }
}

/// <summary>An <see cref="ICollection{T}"/> safe to add to from exporter threads while a test reads it.</summary>
internal sealed class LockedCollection<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public List<T> Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item)
    {
        lock (_items)
        {
            return _items.Contains(item);
        }
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
