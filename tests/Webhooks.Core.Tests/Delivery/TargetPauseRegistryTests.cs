using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public class TargetPauseRegistryTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly ManualTimeProvider _time = new();
    private readonly TargetPauseRegistry _registry;

    public TargetPauseRegistryTests() =>
        _registry = new TargetPauseRegistry(
            new TestOptionsMonitor<WebhooksOptions>(new WebhooksOptions { Delivery = { PauseProbeInterval = Interval } }), _time, NullLogger<TargetPauseRegistry>.Instance);

    [Fact]
    public void Admit_TargetNeverPaused_Proceeds()
    {
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Proceed, TimeSpan.Zero), _registry.Admit("shop"));
        Assert.False(_registry.IsPaused("shop"));
    }

    [Fact]
    public void Admit_AfterPause_HoldsUntilTheNextProbe()
    {
        var wait = _registry.Pause("shop", "target answered 401", 401);
        _time.Advance(TimeSpan.FromMinutes(2));

        var admission = _registry.Admit("shop");

        Assert.Equal(Interval, wait);
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Hold, TimeSpan.FromMinutes(3)), admission);
        Assert.True(_registry.IsPaused("SHOP")); // source names are case-insensitive
    }

    [Fact]
    public void Admit_OtherSource_IsNotAffectedByAPause()
    {
        _registry.Pause("shop", "target answered 401", 401);

        Assert.Equal(TargetAdmissionKind.Proceed, _registry.Admit("crm").Kind);
    }

    [Fact]
    public void Admit_WhenProbeIsDue_LetsExactlyOneThroughThenHoldsAgain()
    {
        _registry.Pause("shop", "target answered 403", 403);
        _time.Advance(Interval);

        var first = _registry.Admit("shop");
        var second = _registry.Admit("shop");

        Assert.Equal(TargetAdmissionKind.Probe, first.Kind);
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Hold, Interval), second);
    }

    [Fact]
    public void Admit_ProbeNeverReported_AnotherProbeFollowsOneIntervalLater()
    {
        _registry.Pause("shop", "target answered 401", 401);
        _time.Advance(Interval);
        Assert.Equal(TargetAdmissionKind.Probe, _registry.Admit("shop").Kind);

        _time.Advance(Interval);

        Assert.Equal(TargetAdmissionKind.Probe, _registry.Admit("shop").Kind);
    }

    [Fact]
    public void Pause_AgainAfterAFailedProbe_KeepsFirstPauseTimeAndPushesTheNextProbe()
    {
        var start = _time.GetUtcNow();
        _registry.Pause("shop", "target answered 401", 401);
        _time.Advance(Interval);
        _registry.Admit("shop");

        _registry.Pause("shop", "target answered 402", 402);
        var state = Assert.Single(_registry.Snapshot());

        Assert.Equal("shop", state.Source);
        Assert.Equal("target answered 402", state.Reason);
        Assert.Equal(402, state.Status);
        Assert.Equal(start, state.PausedAt);
        Assert.Equal(start + Interval + Interval, state.NextProbeAt);
    }

    [Fact]
    public void Resume_PausedTarget_ProceedsAgainAndLeavesTheSnapshot()
    {
        _registry.Pause("shop", "target answered 451", 451);

        var resumed = _registry.Resume("shop");

        Assert.True(resumed);
        Assert.Equal(TargetAdmissionKind.Proceed, _registry.Admit("shop").Kind);
        Assert.Empty(_registry.Snapshot());
    }

    [Fact]
    public void Resume_TargetNotPaused_ReturnsFalse() => Assert.False(_registry.Resume("shop"));

    [Fact]
    public void Snapshot_CountsHeldDeliveriesPerTarget()
    {
        _registry.Pause("shop", "target answered 401", 401);
        _registry.Pause("crm", "target answered 403", 403);
        _registry.Admit("shop");
        _registry.Admit("shop");
        _registry.Admit("crm");

        var states = _registry.Snapshot();

        Assert.Equal(["crm", "shop"], states.Select(s => s.Source));
        Assert.Equal([1L, 2L], states.Select(s => s.HeldCount));
    }

    [Fact]
    public void Admit_JustBeforeTheProbe_HoldsForAtLeastAShortMinimum()
    {
        _registry.Pause("shop", "target answered 401", 401);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));

        var admission = _registry.Admit("shop");

        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Hold, TimeSpan.FromMilliseconds(100)), admission);
    }
}
