using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Diagnostics;
using Webhooks.Hosting.Console;
using Webhooks.Testing;

namespace Webhooks.Console.Tests;

/// <summary>The console's last-hour counts, fed through the engine's real <see cref="WebhooksMetrics"/> meter.</summary>
public sealed class DeliveryActivityTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 30, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ManualTimeProvider _time = new(Start);

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task Outcomes_AreCountedInTheCurrentMinute()
    {
        using var metrics = new WebhooksMetrics(MeterFactory);
        using var activity = new DeliveryActivity(_time, MeterFactory);
        await activity.StartAsync(CancellationToken.None);

        metrics.RecordDelivery("members", "done");
        metrics.RecordDelivery("members", "done");
        metrics.RecordDelivery("members", "requeue");
        metrics.RecordDelivery("orders", "deadLetter");
        metrics.RecordDelivery("orders", "held");

        var window = activity.Snapshot();
        Assert.Equal(DeliveryActivity.WindowMinutes, window.Minutes.Count);
        Assert.Equal((2, 1, 1), (window.Delivered, window.Retried, window.DeadLettered));
        var last = window.Minutes[^1];
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), last.Start);
        Assert.Equal((2L, 1L, 1L), (last.Delivered, last.Retried, last.DeadLettered));
        Assert.Equal("instance", window.Scope);
    }

    [Fact]
    public async Task Outcomes_OlderThanAnHour_LeaveTheWindow()
    {
        using var metrics = new WebhooksMetrics(MeterFactory);
        using var activity = new DeliveryActivity(_time, MeterFactory);
        await activity.StartAsync(CancellationToken.None);
        metrics.RecordDelivery("members", "done");

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, activity.Snapshot().Delivered);
        Assert.Equal(1, activity.Snapshot().Minutes[0].Delivered);

        _time.Advance(TimeSpan.FromMinutes(1));
        metrics.RecordDelivery("members", "deadLetter");
        var window = activity.Snapshot();
        Assert.Equal(0, window.Delivered);
        Assert.Equal(1, window.DeadLettered);
    }

    [Fact]
    public async Task Outcomes_OfAnotherHostsMeter_AreNotCounted()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var others = new WebhooksMetrics(otherServices.GetRequiredService<IMeterFactory>());
        using var activity = new DeliveryActivity(_time, MeterFactory);
        await activity.StartAsync(CancellationToken.None);

        others.RecordDelivery("members", "done");

        Assert.Equal(0, activity.Snapshot().Delivered);
    }

    [Fact]
    public async Task Stopped_CountsNoMore()
    {
        using var metrics = new WebhooksMetrics(MeterFactory);
        using var activity = new DeliveryActivity(_time, MeterFactory);
        await activity.StartAsync(CancellationToken.None);
        metrics.RecordDelivery("members", "done");

        await activity.StopAsync(CancellationToken.None);
        metrics.RecordDelivery("members", "done");

        Assert.Equal(1, activity.Snapshot().Delivered);
    }

    public void Dispose() => _services.Dispose();
}
