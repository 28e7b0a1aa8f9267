using System.Diagnostics.Metrics;
using Webhooks.DeadLetters;
using Webhooks.Diagnostics;

namespace Webhooks.Core.Tests.Diagnostics;

public sealed class WebhooksMetricsTests : IDisposable
{
    private readonly ScopedMeterFactory _factory = new();
    private readonly WebhooksMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public WebhooksMetricsTests()
    {
        _metrics = new WebhooksMetrics(_factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other tests may create their own "Webhooks" meters in parallel.
            if (instrument.Meter.Name == WebhooksMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    [Fact]
    public void RecordSettled_RecordsAttemptsPerDelivery_AndEndToEndLatencyOnlyWhenDelivered()
    {
        _metrics.RecordSettled("shop", "done", 3, TimeSpan.FromSeconds(42));
        _metrics.RecordSettled("shop", "deadLetter", 1, latency: null);

        var attempts = Of("webhooks.delivery.attempts_per_delivery");
        Assert.Equal([3.0, 1.0], attempts.Select(a => a.Value));
        Assert.Equal(["done", "deadLetter"], attempts.Select(a => (string?)a.Tags["outcome"]));
        var latency = Assert.Single(Of("webhooks.delivery.end_to_end.duration"));
        Assert.Equal(42.0, latency.Value);
        Assert.Equal("shop", latency.Tags["source"]);
    }

    [Fact]
    public void RecordIntakeRequest_CountsBySourceAndStatus_UnknownSourceBounded()
    {
        _metrics.RecordIntakeRequest("shop", 202);
        _metrics.RecordIntakeRequest(null, 404);

        var counts = Of("webhooks.intake.requests");
        Assert.Equal(2, counts.Count);
        Assert.Equal(("shop", 202), ((string?)counts[0].Tags["source"], (int?)counts[0].Tags["status"]));
        Assert.Equal(WebhooksMetrics.UnknownSource, counts[1].Tags["source"]);
        Assert.All(counts, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public void RecordDelivery_CountsBySourceAndOutcome()
    {
        _metrics.RecordDelivery("shop", "deadLetter");

        var m = Assert.Single(Of("webhooks.deliveries"));
        Assert.Equal("shop", m.Tags["source"]);
        Assert.Equal("deadLetter", m.Tags["outcome"]);
    }

    [Fact]
    public void RecordDeliveryAttempt_CountsAndRecordsDurationInSeconds_StatusOnlyWhenAnswered()
    {
        _metrics.RecordDeliveryAttempt("shop", 503, TimeSpan.FromMilliseconds(250));
        _metrics.RecordDeliveryAttempt("shop", null, TimeSpan.FromSeconds(30));

        var attempts = Of("webhooks.delivery.attempts");
        var durations = Of("webhooks.delivery.duration");
        Assert.Equal(2, attempts.Count);
        Assert.Equal(503, attempts[0].Tags["status"]);
        Assert.False(attempts[1].Tags.ContainsKey("status"));
        Assert.Equal([0.25, 30.0], durations.Select(d => d.Value));
    }

    [Fact]
    public void Gauges_ReportTheLatestSnapshot_AndNothingBeforeIt()
    {
        _listener.RecordObservableInstruments();
        Assert.Empty(Of("webhooks.queue.depth"));
        Assert.Empty(Of("webhooks.targets.paused"));

        _metrics.UpdateQueueStats(
            [
                new QueueStats(QueueRoles.Deliveries, "webhooks-deliveries", true, 7, null) { OldestAge = TimeSpan.FromSeconds(90) },
                new QueueStats(QueueRoles.DeadLetter, "webhooks-deadletter", true, 3, null),
                new QueueStats(QueueRoles.Poison, "webhooks-deliveries-poison", true, 2, null),
            ],
            DateTimeOffset.UnixEpoch);
        _metrics.SetPausedTargets(1);
        _listener.RecordObservableInstruments();

        var depths = Of("webhooks.queue.depth");
        Assert.Equal([7.0, 3.0, 2.0], depths.Select(d => d.Value));
        Assert.Equal("webhooks-deliveries", depths[0].Tags["queue"]);
        Assert.Equal("deliveries", depths[0].Tags["role"]);
        Assert.Equal(90.0, Of("webhooks.queue.oldest_age")[0].Value);
        Assert.Equal(5.0, Assert.Single(Of("webhooks.deadletter.depth")).Value);
        Assert.Equal(1.0, Assert.Single(Of("webhooks.targets.paused")).Value);
        Assert.Equal(3, _metrics.LatestQueueStats.Count);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _factory.Dispose();
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string name)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == name)];
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        }
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
