using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public sealed class TargetPauseRegistryTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryTargetPauseStore _store = new();
    private readonly WebhooksOptions _options = new() { Delivery = { PauseProbeInterval = Interval, PauseRefreshInterval = TimeSpan.FromSeconds(5) } };
    private readonly TargetPauseRegistry _registry;

    public TargetPauseRegistryTests() => _registry = NewRegistry();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Admit_TargetNeverPaused_Proceeds()
    {
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Proceed, TimeSpan.Zero), await _registry.AdmitAsync("shop", "evt_1", None));
        Assert.False(_registry.SeesPaused("shop"));
    }

    [Fact]
    public async Task Admit_AfterPause_HoldsUntilTheNextProbePlusTheDeliverysShareOfAnInterval()
    {
        var wait = await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);
        _time.Advance(TimeSpan.FromMinutes(2));

        var admission = await _registry.AdmitAsync("shop", "evt_1", None);

        Assert.Equal(Interval, wait);
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Hold, TimeSpan.FromMinutes(3) + TargetPauseRegistry.SpreadOf("evt_1", Interval)), admission);
        Assert.True(_registry.SeesPaused("SHOP")); // source names are case-insensitive
    }

    [Fact]
    public void SpreadOf_DifferentIds_SpreadOverOneInterval()
    {
        var spreads = Enumerable.Range(0, 50).Select(i => TargetPauseRegistry.SpreadOf($"evt_{i}", Interval)).ToList();

        Assert.All(spreads, s => Assert.InRange(s, TimeSpan.Zero, Interval - TimeSpan.FromTicks(1)));
        Assert.True(spreads.Distinct().Count() > 40, "ids should not bunch up");
        Assert.Equal(spreads[7], TargetPauseRegistry.SpreadOf("evt_7", Interval)); // stable, the same on every instance
    }

    [Fact]
    public async Task Admit_OtherSource_IsNotAffectedByAPause()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);

        Assert.Equal(TargetAdmissionKind.Proceed, (await _registry.AdmitAsync("crm", "evt_1", None)).Kind);
    }

    [Fact]
    public async Task Admit_WhenProbeIsDue_LetsExactlyOneThroughThenHoldsAgain()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 403", 403, None);
        _time.Advance(Interval);

        var first = await _registry.AdmitAsync("shop", "evt_1", None);
        var second = await _registry.AdmitAsync("shop", "evt_2", None);

        Assert.Equal(TargetAdmissionKind.Probe, first.Kind);
        Assert.Equal(new TargetAdmission(TargetAdmissionKind.Hold, Interval + TargetPauseRegistry.SpreadOf("evt_2", Interval)), second);
    }

    [Fact]
    public async Task Admit_TwoInstancesOverOneStore_OnlyOneProbes()
    {
        using var other = NewRegistry();
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);
        _time.Advance(Interval);

        var here = await _registry.AdmitAsync("shop", "evt_1", None);
        var there = await other.AdmitAsync("shop", "evt_2", None);

        Assert.Equal(TargetAdmissionKind.Probe, here.Kind);
        Assert.Equal(TargetAdmissionKind.Hold, there.Kind);
    }

    [Fact]
    public async Task Admit_StaleViewOfAPauseLiftedElsewhere_ProceedsAndForgetsIt()
    {
        _options.Delivery.PauseRefreshInterval = TimeSpan.FromHours(1);
        using var other = NewRegistry();
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);
        Assert.Equal(TargetAdmissionKind.Hold, (await other.AdmitAsync("shop", "evt_1", None)).Kind);
        Assert.True(await _registry.ResumeAsync("shop", "operator", None));
        _time.Advance(Interval); // the other instance's view is stale, and says a probe is due

        var admission = await other.AdmitAsync("shop", "evt_1", None);

        Assert.Equal(TargetAdmissionKind.Proceed, admission.Kind);
        Assert.False(other.SeesPaused("shop"));
    }

    [Fact]
    public async Task Admit_PauseWrittenByAnotherInstance_IsSeenAfterTheRefreshInterval()
    {
        using var other = NewRegistry();
        Assert.Equal(TargetAdmissionKind.Proceed, (await other.AdmitAsync("shop", "evt_1", None)).Kind);
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);

        var cached = await other.AdmitAsync("shop", "evt_1", None);
        _time.Advance(TimeSpan.FromSeconds(5));
        var refreshed = await other.AdmitAsync("shop", "evt_1", None);

        Assert.Equal(TargetAdmissionKind.Proceed, cached.Kind);
        Assert.Equal(TargetAdmissionKind.Hold, refreshed.Kind);
    }

    [Fact]
    public async Task Admit_NothingPaused_ReadsTheStoreOncePerRefreshInterval()
    {
        await _registry.AdmitAsync("shop", "evt_1", None);
        var calls = _store.Calls;

        for (var i = 0; i < 10; i++)
        {
            await _registry.AdmitAsync("shop", $"evt_{i}", None);
        }

        Assert.Equal(calls, _store.Calls);
    }

    [Fact]
    public async Task Admit_ProbeNeverReported_AnotherProbeFollowsOneIntervalLater()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);
        _time.Advance(Interval);
        Assert.Equal(TargetAdmissionKind.Probe, (await _registry.AdmitAsync("shop", "evt_1", None)).Kind);

        _time.Advance(Interval);

        Assert.Equal(TargetAdmissionKind.Probe, (await _registry.AdmitAsync("shop", "evt_2", None)).Kind);
    }

    [Fact]
    public async Task Pause_AgainAfterAFailedProbe_KeepsFirstPauseTimeAndPushesTheNextProbe()
    {
        var start = _time.GetUtcNow();
        await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);
        _time.Advance(Interval);
        await _registry.AdmitAsync("shop", "evt_1", None);

        await _registry.PauseAsync("shop", "evt_1", "target answered 402", 402, None);
        var state = Assert.Single(await _registry.SnapshotAsync(None));

        Assert.Equal("shop", state.Source);
        Assert.Equal("target answered 402", state.Reason);
        Assert.Equal(402, state.Status);
        Assert.Equal(start, state.PausedAt);
        Assert.Equal(start + Interval + Interval, state.NextProbeAt);
    }

    [Fact]
    public async Task Pause_SurvivesANewRegistry_AsAfterARestart()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);

        using var restarted = NewRegistry();

        Assert.Equal(TargetAdmissionKind.Hold, (await restarted.AdmitAsync("shop", "evt_1", None)).Kind);
        Assert.Equal(("shop", 402), (Assert.Single(await restarted.SnapshotAsync(None)).Source, 402));
    }

    [Fact]
    public async Task Pause_StoreUnreachable_PausesThisInstanceAnyway()
    {
        _store.Failure = new Azure.RequestFailedException(503, "Server busy");

        var wait = await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);

        Assert.Equal(Interval, wait);
        Assert.True(_registry.SeesPaused("shop"));
    }

    [Fact]
    public async Task Resume_PausedTarget_ProceedsAgainAndLeavesTheSnapshot()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 451", 451, None);

        var resumed = await _registry.ResumeAsync("shop", "operator", None);

        Assert.True(resumed);
        Assert.Equal(TargetAdmissionKind.Proceed, (await _registry.AdmitAsync("shop", "evt_1", None)).Kind);
        Assert.Empty(await _registry.SnapshotAsync(None));
    }

    [Fact]
    public async Task Resume_TargetNotPaused_ReturnsFalse() => Assert.False(await _registry.ResumeAsync("shop", "operator", None));

    [Fact]
    public async Task Snapshot_CountsDistinctHeldDeliveriesPerTarget_HoweverOftenEachIsHeld()
    {
        await _registry.PauseAsync("shop", "evt_s0", "target answered 401", 401, None);
        await _registry.PauseAsync("crm", "evt_c0", "target answered 403", 403, None);
        for (var round = 0; round < 3; round++)
        {
            await _registry.AdmitAsync("shop", "evt_s1", None);
            await _registry.AdmitAsync("shop", "evt_s2", None);
            await _registry.AdmitAsync("crm", "evt_c1", None);
        }

        var states = await _registry.SnapshotAsync(None);

        Assert.Equal(["crm", "shop"], states.Select(s => s.Source));
        Assert.Equal([2L, 3L], states.Select(s => s.Held)); // the pausing delivery is held too
    }

    [Fact]
    public async Task Snapshot_ProbeDeliveryLeavesTheHeldCountWhileItIsOut()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);
        await _registry.AdmitAsync("shop", "evt_1", None);
        _time.Advance(Interval);

        Assert.Equal(TargetAdmissionKind.Probe, (await _registry.AdmitAsync("shop", "evt_0", None)).Kind);

        Assert.Equal(1, Assert.Single(await _registry.SnapshotAsync(None)).Held);
    }

    [Fact]
    public async Task Snapshot_AfterResumeAndANewPause_CountsOnlyTheNewPausesDeliveries()
    {
        await _registry.PauseAsync("shop", "evt_0", "target answered 402", 402, None);
        await _registry.AdmitAsync("shop", "evt_1", None);
        await _registry.ResumeAsync("shop", "operator", None);
        _time.Advance(TimeSpan.FromMinutes(1));

        await _registry.PauseAsync("shop", "evt_2", "target answered 402", 402, None);

        Assert.Equal(1, Assert.Single(await _registry.SnapshotAsync(None)).Held);
    }

    [Fact]
    public async Task Admit_JustBeforeTheProbe_HoldsForAtLeastAShortMinimum()
    {
        _options.Delivery.PauseProbeInterval = TimeSpan.FromMilliseconds(50); // below the minimum interval too
        await _registry.PauseAsync("shop", "evt_0", "target answered 401", 401, None);
        _time.Advance(TimeSpan.FromMilliseconds(99));

        var admission = await _registry.AdmitAsync("shop", "evt_1", None);

        Assert.Equal(TargetAdmissionKind.Hold, admission.Kind);
        Assert.True(admission.HoldFor >= TimeSpan.FromMilliseconds(100), $"held {admission.HoldFor}");
    }

    private TargetPauseRegistry NewRegistry() =>
        new(_store, new TestOptionsMonitor<WebhooksOptions>(_options), _time, NullLogger<TargetPauseRegistry>.Instance);
}
