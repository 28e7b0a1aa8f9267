using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Webhooks.Diagnostics;

namespace Webhooks.Hosting.Console;

/// <summary>
/// Delivered / retried / dead-lettered counts of this instance over the last hour, in one-minute buckets, for the
/// console's chart. Fed by the engine's own outcome point (the <c>webhooks.deliveries</c> counter of
/// <see cref="WebhooksMetrics"/>) through a <see cref="MeterListener"/>, so the engine needs no second hook.
/// Per instance and in memory: a restart starts from zero, and a scaled-out app shows each instance's own share.
/// </summary>
public sealed class DeliveryActivity : IHostedService, IDisposable
{
    /// <summary>How many one-minute buckets are kept.</summary>
    public const int WindowMinutes = 60;

    private const string DeliveriesInstrument = "webhooks.deliveries";

    private readonly TimeProvider _time;
    private readonly object? _meterScope;
    private readonly Lock _gate = new();
    private readonly Bucket[] _buckets = new Bucket[WindowMinutes];
    private MeterListener? _listener;

    /// <summary>Counts the deliveries of the <see cref="WebhooksMetrics"/> made on <paramref name="meterFactory"/> (null: the one made without a factory).</summary>
    public DeliveryActivity(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        _time = time;
        _meterScope = meterFactory;
    }

    /// <summary>Starts listening; outcomes recorded before this are not counted.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener ??= CreateListener();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The last <see cref="WindowMinutes"/> minutes, oldest first, the current (partial) minute last.</summary>
    public ActivityWindow Snapshot()
    {
        var now = _time.GetUtcNow();
        var currentMinute = MinuteOf(now);
        var minutes = new ActivityMinute[WindowMinutes];
        lock (_gate)
        {
            for (var i = 0; i < WindowMinutes; i++)
            {
                var minute = currentMinute - (WindowMinutes - 1) + i;
                var bucket = _buckets[Slot(minute)];
                var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
                minutes[i] = bucket.Minute == minute
                    ? new ActivityMinute(start, bucket.Delivered, bucket.Retried, bucket.DeadLettered)
                    : new ActivityMinute(start, 0, 0, 0);
            }
        }

        return new ActivityWindow(now, 60, minutes);
    }

    /// <summary>Counts <paramref name="count"/> processed deliveries with an outcome of the <see cref="Envelopes.DeliveryAttempt.Outcome"/> vocabulary.</summary>
    internal void Record(string? outcome, long count)
    {
        var minute = MinuteOf(_time.GetUtcNow());
        lock (_gate)
        {
            ref var bucket = ref _buckets[Slot(minute)];
            if (bucket.Minute != minute)
            {
                bucket = new Bucket { Minute = minute };
            }

            switch (outcome)
            {
                case "done": bucket.Delivered += count; break;
                case "requeue": bucket.Retried += count; break;
                case "deadLetter": bucket.DeadLettered += count; break;
                default: break; // "held" (a paused target) is neither: the pause list shows it.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }

    private MeterListener CreateListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this host's meter: tests and multi-host processes have several "Webhooks" meters at once.
                if (instrument.Meter.Name == WebhooksMetrics.MeterName && instrument.Name == DeliveriesInstrument && ReferenceEquals(instrument.Meter.Scope, _meterScope))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    Record(tag.Value as string, value);
                    return;
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static long MinuteOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    private static int Slot(long minute) => (int)(minute % WindowMinutes);

    private struct Bucket
    {
        public long Minute;
        public long Delivered;
        public long Retried;
        public long DeadLettered;
    }
}

/// <summary>The console's activity chart data (<c>GET /api/admin/activity</c>).</summary>
/// <param name="At">When it was taken.</param>
/// <param name="BucketSeconds">The width of one bucket.</param>
/// <param name="Minutes">Oldest first; the last is the current, partial minute.</param>
public sealed record ActivityWindow(DateTimeOffset At, int BucketSeconds, IReadOnlyList<ActivityMinute> Minutes)
{
    /// <summary>Always <c>instance</c>: the counts are this instance's, since it started.</summary>
    public string Scope => "instance";

    /// <summary>Deliveries the target accepted in the window.</summary>
    public long Delivered => Minutes.Sum(m => m.Delivered);

    /// <summary>Deliveries requeued for another attempt in the window.</summary>
    public long Retried => Minutes.Sum(m => m.Retried);

    /// <summary>Deliveries dead-lettered in the window.</summary>
    public long DeadLettered => Minutes.Sum(m => m.DeadLettered);
}

/// <summary>One minute of delivery outcomes.</summary>
public sealed record ActivityMinute(DateTimeOffset Start, long Delivered, long Retried, long DeadLettered);
