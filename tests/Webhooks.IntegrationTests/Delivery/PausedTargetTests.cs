using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>
/// Issue 13 item 5: a paused target's backlog is never lost, held counts are exact, and the pause lives in the shared
/// Storage table — real workers, Azurite and a loopback target.
/// </summary>
public sealed class PausedTargetTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TargetReply PaymentRequired = TargetReply.Json(402, """{"message":"Payment required."}""");
    private static readonly CancellationToken None = CancellationToken.None;

    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task PausedBy402ThroughSeveralProbes_ThenResumedWhileAnswering503_EveryHeldDeliveryIsDeliveredNoneDeadLettered()
    {
        // Nine 402s: the pausing calls and several probes each; then a probe answered 503 resumes the target, which
        // answers 503 twice more before it recovers. With MaxAttempts 4, counting the 402s would exhaust the deliveries.
        _target.Enqueue([.. Enumerable.Repeat(PaymentRequired, 9), TargetReply.Of(503), TargetReply.Of(503), TargetReply.Of(503)]);
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options =>
        {
            options.Delivery.MaxAttempts = 4;
            options.Delivery.PauseProbeInterval = TimeSpan.FromMilliseconds(500);
        });
        string[] ids = ["evt_held_a", "evt_held_b", "evt_held_c"];
        foreach (var id in ids)
        {
            await host.EnqueueAsync(DeliveryHost.Envelope(id));
        }

        using var worker = host.CreateWorker();
        await worker.StartAsync(None);
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, Patience); // delivered or dead-lettered
        await worker.StopAsync(None);

        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
        var requests = _target.Requests;
        Assert.Equal(9, requests.Count(r => r.Reply.Status == 402));
        Assert.Equal(3, requests.Count(r => r.Reply.Status == 503));
        Assert.Equal(ids, requests.Where(r => r.Reply.Status == 200).Select(r => r.Header("Idempotency-Key")).Order());
        Assert.Empty(await host.Pauses.SnapshotAsync(None));
    }

    [Fact]
    public async Task ThreeDeliveriesHeldThroughSeveralProbes_HeldCountIsThreeAndNeverGrows()
    {
        _target.Default = PaymentRequired;
        await using var host = await DeliveryHost.CreateAsync(
            azurite, _target.Url, output, options => options.Delivery.PauseProbeInterval = TimeSpan.FromMilliseconds(300));
        foreach (var id in new[] { "evt_count_a", "evt_count_b", "evt_count_c" })
        {
            await host.EnqueueAsync(DeliveryHost.Envelope(id));
        }

        using var worker = host.CreateWorker();
        await worker.StartAsync(None);
        var samples = new List<long>();
        for (var calls = 4; calls <= 9; calls++)
        {
            await _target.WaitForAnsweredAsync(calls, Patience); // each call after the first few is one probe
            samples.Add(Assert.Single(await host.Pauses.SnapshotAsync(None)).Held);
        }

        await worker.StopAsync(None); // a probe in flight settles first, held again
        var pause = Assert.Single(await host.Pauses.SnapshotAsync(None));

        Assert.All(samples, held => Assert.InRange(held, 0, 3)); // a probe's delivery leaves the count while it is out
        Assert.Equal((402, 3L), (pause.Status, pause.Held));
        Assert.Equal(0, await host.CountAsync(host.Queues.DeadLetter));
        Assert.Equal(3, await host.CountAsync(host.Queues.Deliveries));
    }

    [Fact]
    public async Task Pause_IsSharedWithASecondInstance_SurvivesARestart_AndIsLiftedEverywhereByOneResume()
    {
        _target.Default = PaymentRequired;
        var deliveries = UniqueNames.Queue("deliveries");
        var deadLetter = UniqueNames.Queue("deadletter");
        var table = UniqueNames.Table("pauses");
        void SameStorage(WebhooksOptions options)
        {
            options.Queues.Deliveries = deliveries;
            options.Queues.DeadLetter = deadLetter;
            options.Queues.Pauses = table;
            options.Delivery.PauseProbeInterval = TimeSpan.FromMinutes(5); // no probe during the test
        }

        var first = await DeliveryHost.CreateAsync(azurite, _target.Url, output, SameStorage);
        first.KeepStorage = true;
        await first.EnqueueAsync(DeliveryHost.Envelope("evt_pausing"));
        using (var worker = first.CreateWorker())
        {
            await worker.StartAsync(None);
            await WaitForHeldAsync(first, 1);
            await worker.StopAsync(None);
        }

        var paused = Assert.Single(await first.Pauses.SnapshotAsync(None));

        // A second instance over the same storage holds its deliveries without calling the target.
        await using (var second = await DeliveryHost.CreateAsync(azurite, _target.Url, output, SameStorage))
        {
            second.KeepStorage = true;
            Assert.Equal(paused, Assert.Single(await second.Pauses.SnapshotAsync(None)));
            await second.EnqueueAsync(DeliveryHost.Envelope("evt_elsewhere"));
            using var worker = second.CreateWorker();
            await worker.StartAsync(None);
            await WaitForHeldAsync(second, 2);
            await worker.StopAsync(None);
        }

        await first.DisposeAsync();

        // A restarted instance still has the pause, with both held deliveries counted once.
        await using var restarted = await DeliveryHost.CreateAsync(azurite, _target.Url, output, SameStorage);
        var after = Assert.Single(await restarted.Pauses.SnapshotAsync(None));
        Assert.Equal((paused.Source, paused.Status, paused.PausedAt, 2L), (after.Source, after.Status, after.PausedAt, after.Held));
        Assert.Equal(TargetAdmissionKind.Hold, (await restarted.Pauses.AdmitAsync(DeliveryHost.Source, "evt_new", None)).Kind);
        Assert.Single(_target.Requests);

        // One resume, from any instance, lifts it for all.
        await using var other = await DeliveryHost.CreateAsync(azurite, _target.Url, output, SameStorage);
        other.KeepStorage = true;
        Assert.True(await other.Pauses.ResumeAsync(DeliveryHost.Source, "operator", None));
        Assert.Equal(TargetAdmissionKind.Proceed, (await restarted.Pauses.AdmitAsync(DeliveryHost.Source, "evt_new", None)).Kind);
        Assert.Empty(await restarted.Pauses.SnapshotAsync(None));
    }

    private static async Task WaitForHeldAsync(DeliveryHost host, long held)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while ((await host.Pauses.SnapshotAsync(None)).SingleOrDefault()?.Held != held)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"the pause never held {held} deliveries");
            }

            await Task.Delay(100);
        }
    }
}
