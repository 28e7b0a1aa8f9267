using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Dedup;
using Webhooks.Payloads;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Dedup;

/// <summary>Duplicate detection on real blob storage: claims, confirmations, releases, windows and take-overs.</summary>
public sealed class BlobDeliveryDeduplicatorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] BodyA = SHA256.HashData("{\"n\":1}"u8);
    private static readonly byte[] BodyB = SHA256.HashData("{\"n\":2}"u8);

    private readonly WebhooksOptions _options = new() { Queues = { Payloads = UniqueNames.Queue("dedup") } };
    private PayloadStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new PayloadStore(azurite.CreateBlobServiceClient(), Options.Create(_options));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _store.Container.DeleteIfExistsAsync();

    [Fact]
    public async Task FirstCopy_IsNew_AndIsRecordedAsAPendingBlobNamedBySourceAndIdHash()
    {
        var claim = await Deduplicator().ClaimAsync("Shop", "msg_1", BodyA, T0);

        Assert.Equal(DedupVerdict.New, claim.Verdict);
        var name = Assert.Single(await _store.Container.GetBlobNamesAsync("dedup/"));
        Assert.Equal("dedup/shop/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("msg_1"))), name);
        Assert.Contains("\"state\":\"pending\"", (await _store.Container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameIdAndBody_AfterConfirm_IsADuplicate_OfTheOriginal()
    {
        var dedup = Deduplicator();
        var first = await dedup.ClaimAsync("shop", "msg_2", BodyA, T0);
        await dedup.ConfirmAsync(first.Ticket!);

        var second = await Deduplicator().ClaimAsync("shop", "msg_2", BodyA, T0.AddHours(71));

        Assert.Equal(DedupVerdict.Duplicate, second.Verdict);
        Assert.Equal("msg_2", second.Original!.DeliveryId);
        Assert.Equal(T0, second.Original.ReceivedAt);
        Assert.Null(second.Ticket);
    }

    [Fact]
    public async Task SameIdAndBody_BeforeConfirm_IsInProgress()
    {
        await Deduplicator().ClaimAsync("shop", "msg_3", BodyA, T0);

        var second = await Deduplicator().ClaimAsync("shop", "msg_3", BodyA, T0.AddSeconds(5));

        Assert.Equal(DedupVerdict.InProgress, second.Verdict);
    }

    [Fact]
    public async Task SameId_DifferentBody_IsAConflict_WhateverTheState()
    {
        var dedup = Deduplicator();
        await dedup.ClaimAsync("shop", "msg_4", BodyA, T0);
        var pending = await dedup.ClaimAsync("shop", "msg_4", BodyB, T0.AddSeconds(1));
        var claim5 = await dedup.ClaimAsync("shop", "msg_5", BodyA, T0);
        await dedup.ConfirmAsync(claim5.Ticket!);
        var queued = await dedup.ClaimAsync("shop", "msg_5", BodyB, T0.AddHours(1));

        Assert.Equal(DedupVerdict.Conflict, pending.Verdict);
        Assert.Equal(DedupVerdict.Conflict, queued.Verdict);
    }

    [Fact]
    public async Task SameId_OnAnotherSource_IsIndependent()
    {
        var dedup = Deduplicator();
        var shop = await dedup.ClaimAsync("shop", "msg_6", BodyA, T0);
        await dedup.ConfirmAsync(shop.Ticket!);

        var billing = await dedup.ClaimAsync("billing", "msg_6", BodyB, T0);

        Assert.Equal(DedupVerdict.New, billing.Verdict);
    }

    [Fact]
    public async Task Released_TheIdIsNewAgain_SoTheProvidersRetryIsQueued()
    {
        var dedup = Deduplicator();
        var first = await dedup.ClaimAsync("shop", "msg_7", BodyA, T0);
        await dedup.ReleaseAsync(first.Ticket!);

        var retry = await dedup.ClaimAsync("shop", "msg_7", BodyA, T0.AddSeconds(10));

        Assert.Equal(DedupVerdict.New, retry.Verdict);
    }

    [Fact]
    public async Task AfterTheWindow_TheIdIsNew_AndTheRecordIsTakenOver()
    {
        var dedup = Deduplicator();
        var first = await dedup.ClaimAsync("shop", "msg_8", BodyA, T0);
        await dedup.ConfirmAsync(first.Ticket!);

        var late = await dedup.ClaimAsync("shop", "msg_8", BodyB, T0.AddHours(72));
        await dedup.ConfirmAsync(late.Ticket!);
        var afterLate = await dedup.ClaimAsync("shop", "msg_8", BodyB, T0.AddHours(73));

        Assert.Equal(DedupVerdict.New, late.Verdict);
        Assert.Equal(DedupVerdict.Duplicate, afterLate.Verdict);
        Assert.Equal(T0.AddHours(72), afterLate.Original!.ReceivedAt);
    }

    [Fact]
    public async Task APendingClaimOlderThanThePendingTimeout_IsTakenOver_AndTheSlowClaimantCannotClobberIt()
    {
        var dedup = Deduplicator();
        var crashed = await dedup.ClaimAsync("shop", "msg_9", BodyA, T0);

        var takeover = await dedup.ClaimAsync("shop", "msg_9", BodyA, T0.AddMinutes(3));
        await dedup.ReleaseAsync(crashed.Ticket!); // too late: the record is no longer its
        await dedup.ConfirmAsync(crashed.Ticket!);
        var after = await dedup.ClaimAsync("shop", "msg_9", BodyA, T0.AddMinutes(4));

        Assert.Equal(DedupVerdict.New, takeover.Verdict);
        Assert.Equal(DedupVerdict.InProgress, after.Verdict); // still the take-over's pending claim
    }

    [Fact]
    public async Task ConcurrentClaims_FromManyInstances_YieldExactlyOneNew()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Deduplicator().ClaimAsync("shop", "msg_race", BodyA, T0)));

        Assert.Single(claims, c => c.Verdict == DedupVerdict.New);
        Assert.All(claims.Where(c => c.Verdict != DedupVerdict.New), c => Assert.Equal(DedupVerdict.InProgress, c.Verdict));
    }

    [Fact]
    public async Task ZeroWindow_TurnsDetectionOff()
    {
        _options.Intake.DedupWindow = TimeSpan.Zero;
        var dedup = Deduplicator();
        await _store.EnsureCreatedAsync();

        var first = await dedup.ClaimAsync("shop", "msg_off", BodyA, T0);
        var second = await dedup.ClaimAsync("shop", "msg_off", BodyA, T0);

        Assert.Equal(DedupVerdict.New, second.Verdict);
        Assert.Null(first.Ticket);
        Assert.Empty(await _store.Container.GetBlobNamesAsync("dedup/"));
    }

    // A fresh instance each time, as another host would have; all share the container.
    private BlobDeliveryDeduplicator Deduplicator() =>
        new(new PayloadStore(azurite.CreateBlobServiceClient(), Options.Create(_options)), new TestOptionsMonitor<WebhooksOptions>(_options));
}
