using System.Diagnostics;
using System.Diagnostics.Metrics;
using Webhooks.DeadLetters;

namespace Webhooks.Diagnostics;

/// <summary>
/// The app's metrics on the <see cref="System.Diagnostics.Metrics"/> meter <c>Webhooks</c>, named after the
/// OpenTelemetry conventions so any exporter (OpenTelemetry, dotnet-counters, Application Insights) picks them up:
/// <list type="bullet">
/// <item><c>webhooks.intake.requests</c> counter {source, status}</item>
/// <item><c>webhooks.deliveries</c> counter {source, outcome, destination once routed}</item>
/// <item><c>webhooks.deliveries.unmatched</c> counter {source}: deliveries no destination's filter took</item>
/// <item><c>webhooks.delivery.attempts</c> counter {source, status, destination}</item>
/// <item><c>webhooks.delivery.duration</c> histogram, seconds {source, status}</item>
/// <item><c>webhooks.delivery.attempts_per_delivery</c> histogram {source, outcome}: attempts a delivery took, when done or dead-lettered</item>
/// <item><c>webhooks.delivery.end_to_end.duration</c> histogram, seconds {source}: accepted (or replayed) to delivered</item>
/// <item><c>webhooks.queue.depth</c>, <c>webhooks.queue.oldest_age</c> gauges {queue, role}</item>
/// <item><c>webhooks.deadletter.depth</c>, <c>webhooks.targets.paused</c> gauges</item>
/// </list>
/// The gauges read a cached snapshot (<see cref="UpdateQueueStats"/>, <see cref="SetPausedTargets"/>) so a scrape
/// never calls Storage. Thread-safe; register one per process.
/// </summary>
public sealed class WebhooksMetrics : IDisposable
{
    /// <summary>The meter name to listen to or export.</summary>
    public const string MeterName = "Webhooks";

    /// <summary>The <c>source</c> tag value for requests to a source that is not configured (keeps cardinality bounded).</summary>
    public const string UnknownSource = "(unknown)";

    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    // Retries back off for hours and replays come days later, so end-to-end latency spans seconds to days.
    private static readonly double[] EndToEndBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600];

    private static readonly long[] AttemptBuckets = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _intakeRequests;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _unmatched;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _attemptsPerDelivery;
    private readonly Histogram<double> _endToEnd;
    private volatile QueueSnapshot _queues = QueueSnapshot.Empty;
    private int _pausedTargets = -1;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (DI), or on a meter of its own when null.</summary>
    public WebhooksMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _intakeRequests = _meter.CreateCounter<long>("webhooks.intake.requests", "{request}", "Requests answered by intake, by source and HTTP status.");
        _deliveries = _meter.CreateCounter<long>("webhooks.deliveries", "{delivery}", "Queued deliveries processed by the worker, by source and outcome.");
        _unmatched = _meter.CreateCounter<long>("webhooks.deliveries.unmatched", "{delivery}", "Deliveries no destination's filter matched (acknowledged, not dead-lettered), by source.");
        _attempts = _meter.CreateCounter<long>("webhooks.delivery.attempts", "{attempt}", "Outbound calls to targets, by source and target status.");
        _duration = _meter.CreateHistogram(
            "webhooks.delivery.duration",
            "s",
            "Duration of outbound calls to targets.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _attemptsPerDelivery = _meter.CreateHistogram(
            "webhooks.delivery.attempts_per_delivery",
            "{attempt}",
            "Attempts a delivery took, recorded once it is done or dead-lettered.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = AttemptBuckets });
        _endToEnd = _meter.CreateHistogram(
            "webhooks.delivery.end_to_end.duration",
            "s",
            "Time from intake's acceptance (or the replay) to the target's 2xx.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EndToEndBuckets });
        _meter.CreateObservableGauge("webhooks.queue.depth", ObserveDepths, "{message}", "Approximate messages per queue.");
        _meter.CreateObservableGauge("webhooks.queue.oldest_age", ObserveOldestAges, "s", "Age of the first visible message per queue.");
        _meter.CreateObservableGauge("webhooks.deadletter.depth", ObserveDeadLetterDepth, "{message}", "Dead-letter records plus host-poisoned messages.");
        _meter.CreateObservableGauge("webhooks.targets.paused", ObservePausedTargets, "{target}", "Targets paused after account-level failures (401, 402, 403, 451).");
    }

    /// <summary>The latest queue statistics given to <see cref="UpdateQueueStats"/> (empty before the first), for health reports.</summary>
    public IReadOnlyList<QueueStats> LatestQueueStats => _queues.Stats;

    /// <summary>When <see cref="LatestQueueStats"/> was taken; null before the first sample.</summary>
    public DateTimeOffset? LatestQueueStatsAt => _queues.TakenAt;

    /// <summary>The latest paused-target count given to <see cref="SetPausedTargets"/>; null before the first.</summary>
    public int? PausedTargets => Volatile.Read(ref _pausedTargets) is var n and >= 0 ? n : null;

    /// <summary>Counts one intake answer. Pass <paramref name="source"/> only for configured sources (null becomes <see cref="UnknownSource"/>).</summary>
    public void RecordIntakeRequest(string? source, int status) =>
        _intakeRequests.Add(1, new("source", source ?? UnknownSource), new("status", status));

    /// <summary>
    /// Counts one processed delivery message by its outcome: <c>done</c>, <c>requeue</c>, <c>deadLetter</c> or
    /// <c>held</c> (the <see cref="Envelopes.DeliveryAttempt.Outcome"/> vocabulary).
    /// </summary>
    /// <remarks><paramref name="destination"/>, once known, is added as the <c>destination</c> tag.</remarks>
    public void RecordDelivery(string source, string outcome, string? destination = null)
    {
        var tags = new TagList { { "source", source }, { "outcome", outcome } };
        if (destination is not null)
        {
            tags.Add("destination", destination);
        }

        _deliveries.Add(1, tags);
    }

    /// <summary>Counts one delivery that no destination's filter matched.</summary>
    public void RecordUnmatched(string source) =>
        _unmatched.Add(1, new KeyValuePair<string, object?>("source", source));

    /// <summary>Counts one outbound call and records its duration; <paramref name="status"/> is null when no response arrived (timeout, refused).</summary>
    public void RecordDeliveryAttempt(string source, int? status, TimeSpan duration, string? destination = null)
    {
        var tags = status is { } s
            ? new TagList { { "source", source }, { "status", s } }
            : new TagList { { "source", source } };
        if (destination is not null)
        {
            tags.Add("destination", destination);
        }

        _attempts.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>
    /// Records a delivery that reached a final outcome (<c>done</c> or <c>deadLetter</c>): the attempts it took and,
    /// when delivered, its end-to-end <paramref name="latency"/>.
    /// </summary>
    public void RecordSettled(string source, string outcome, int attempts, TimeSpan? latency)
    {
        _attemptsPerDelivery.Record(attempts, new("source", source), new("outcome", outcome));
        if (latency is { } l)
        {
            _endToEnd.Record(Math.Max(0, l.TotalSeconds), new KeyValuePair<string, object?>("source", source));
        }
    }

    /// <summary>Replaces the queue snapshot the depth and age gauges report (see <see cref="QueueMetricsSampler"/>).</summary>
    public void UpdateQueueStats(IReadOnlyList<QueueStats> stats, DateTimeOffset takenAt) => _queues = new QueueSnapshot(stats, takenAt);

    /// <summary>Sets how many targets are paused right now.</summary>
    public void SetPausedTargets(int count) => Volatile.Write(ref _pausedTargets, Math.Max(0, count));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> ObserveDepths() =>
        _queues.Stats.Where(q => q.Exists).Select(q => new Measurement<long>(q.ApproximateCount, Tags(q)));

    private IEnumerable<Measurement<double>> ObserveOldestAges() =>
        _queues.Stats.Where(q => q.Exists).Select(q => new Measurement<double>(q.OldestAge?.TotalSeconds ?? 0, Tags(q)));

    private IEnumerable<Measurement<long>> ObserveDeadLetterDepth()
    {
        var stats = _queues.Stats;
        return stats.Count == 0
            ? []
            : [new Measurement<long>(stats.Where(q => q.Role is QueueRoles.DeadLetter or QueueRoles.Poison).Sum(q => (long)q.ApproximateCount))];
    }

    private IEnumerable<Measurement<long>> ObservePausedTargets() =>
        PausedTargets is { } n ? [new Measurement<long>(n)] : [];

    private static KeyValuePair<string, object?>[] Tags(QueueStats q) => [new("queue", q.Name), new("role", q.Role)];

    private sealed record QueueSnapshot(IReadOnlyList<QueueStats> Stats, DateTimeOffset? TakenAt)
    {
        public static QueueSnapshot Empty { get; } = new([], null);
    }
}
