using System.Text;
using Azure.Data.Tables;
using Webhooks.AzureStorage;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>The dead-letter index on real Azurite tables, over records written by the real delivery processor.</summary>
[Collection(OperationsCollection.Name)]
public sealed class DeadLetterIndexTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OperationsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await OperationsHarness.StartAsync(azurite, "dlindex");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task TheWorkerWritesIntoTheIndex_NotTheQueue_AndThreeConcurrentListingsAllSeeTheRecord()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        var stores = Enumerable.Range(0, 3).Select(_ => _harness.CreateStore()).ToArray();

        var pages = await Task.WhenAll(stores.Select(s => s.PageAsync(DeadLetterFilter.None)));

        Assert.All(pages, p => Assert.Equal("m1", Assert.Single(p.Items).Id));
        Assert.All(pages, p => Assert.False(p.HasMore));
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.DeadLetter));
        var row = Assert.Single(_harness.IndexTable.Query<TableEntity>(e => e.PartitionKey == "s-members"), e => e.RowKey != "~counts");
        Assert.Equal("userEmailConflict", row.GetString("ErrorCode")); // readable columns for Storage Explorer
        Assert.Contains("\"m1\"", row.GetString("Record"), StringComparison.Ordinal); // the whole record, as JSON text
    }

    [Fact]
    public async Task Paging_ByContinuation_AcrossSources_IsNewestFirst_WithoutGapsOrRepeats_AndSaysWhenMoreExist()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = _harness.CreateStore(time);
        var written = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var source = i % 3 == 0 ? "orders" : "members";
            await store.WriteBatchAsync([Record($"d{i}", source, time.GetUtcNow().AddMinutes(i))], CancellationToken.None);
            written.Add($"d{i}");
        }

        var seen = new List<string>();
        var page = await store.PageAsync(DeadLetterFilter.None, 3);
        var pages = 1;
        seen.AddRange(page.Items.Select(i => i.Id));
        while (page.HasMore)
        {
            Assert.NotNull(page.Continuation);
            page = await store.PageAsync(DeadLetterFilter.None, 3, page.Continuation);
            seen.AddRange(page.Items.Select(i => i.Id));
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Null(page.Continuation);
        Assert.Equal(Enumerable.Reverse(written), seen);
        Assert.Equal(7, page.Total);
        var orders500 = await store.PageAsync(new DeadLetterFilter { Source = "ORDERS", Status = 500 }, 10);
        Assert.Equal(["d6", "d3", "d0"], orders500.Items.Select(i => i.Id));
        Assert.Null(orders500.Total); // a status filter is not counted: HasMore says whether more exist
        Assert.False(orders500.HasMore);
    }

    [Fact]
    public async Task Paging_OneBusySourceAmongQuietOnes_ReturnsFullPagesInExactOrder_WithoutGapsOrRepeats()
    {
        // Each partition is first asked only for its share of a page: the busy one must be asked again.
        var store = _harness.CreateStore();
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var written = new List<(string Id, DateTimeOffset At)>();
        var busy = Enumerable.Range(0, 40).Select(i => Record($"busy{i:D2}", "busy", at.AddSeconds(i))).ToList();
        await store.WriteBatchAsync(busy, CancellationToken.None);
        written.AddRange(busy.Select(r => (r.Envelope!.Id, r.DeadLetteredAt)));
        for (var s = 0; s < 5; s++)
        {
            var quiet = Enumerable.Range(0, 2).Select(i => Record($"q{s}-{i}", $"quiet{s}", at.AddSeconds((s * 7) + (i * 13) + 0.5))).ToList();
            await store.WriteBatchAsync(quiet, CancellationToken.None);
            written.AddRange(quiet.Select(r => (r.Envelope!.Id, r.DeadLetteredAt)));
        }

        var seen = new List<string>();
        var sizes = new List<int>();
        var page = await store.PageAsync(DeadLetterFilter.None, 10);
        seen.AddRange(page.Items.Select(i => i.Id));
        sizes.Add(page.Items.Count);
        while (page.HasMore)
        {
            page = await store.PageAsync(DeadLetterFilter.None, 10, page.Continuation);
            seen.AddRange(page.Items.Select(i => i.Id));
            sizes.Add(page.Items.Count);
        }

        Assert.Equal(written.OrderByDescending(w => w.At).Select(w => w.Id), seen);
        Assert.Equal([10, 10, 10, 10, 10], sizes);
    }

    [Fact]
    public async Task AForeignContinuationToken_IsRejectedAsAnArgument()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _harness.CreateStore().PageAsync(DeadLetterFilter.None, 10, "bm90IG91cnM"));

        Assert.Equal("continuation", error.ParamName);
    }

    [Fact]
    public async Task HostPoisonedMessages_AreIndexedOnRead_AndLeaveThePoisonQueue()
    {
        var envelope = new DeliveryEnvelope { Id = "p1", Source = "members", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = "{}"u8.ToArray() };
        await _harness.PoisonAsync(Encoding.UTF8.GetString(EnvelopeSerializer.Serialize(envelope)));

        var page = await _harness.CreateStore().PageAsync(new DeadLetterFilter { PoisonedOnly = true });
        var again = await _harness.CreateStore().PageAsync(new DeadLetterFilter { PoisonedOnly = true });

        var entry = Assert.Single(page.Items);
        Assert.Equal("p1", entry.Id);
        Assert.Equal(DeadLetterReasons.HostPoisoned, entry.Reason);
        Assert.Equal("p1", Assert.Single(again.Items).Id);
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.DeliveriesPoison));
    }

    [Fact]
    public async Task APoisonQueueLeftBehindByALowerCount_IsIndexedOnRead_AndItsReplayGoesToTheFirstDeliveryQueue()
    {
        var envelope = new DeliveryEnvelope { Id = "p-retired", Source = "members", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = "{}"u8.ToArray() };
        var retired = _harness.Queues.Deliveries.Name + "-1"; // the harness's count is 1
        var retiredPoison = azurite.CreateQueueServiceClient().GetQueueClient(retired + WebhookQueues.PoisonSuffix);
        await retiredPoison.CreateAsync();
        await retiredPoison.SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(envelope)), null, StorageNames.NeverExpires);
        var store = _harness.CreateStore();

        var entry = Assert.Single((await store.PageAsync(new DeadLetterFilter { PoisonedOnly = true })).Items, e => e.Id == "p-retired");
        var replay = await store.ReplayAsync(DeadLetterSelection.ByIds("p-retired"));

        Assert.Equal(DeadLetterReasons.HostPoisoned, entry.Reason);
        Assert.Equal(retiredPoison.Name, entry.Queue);
        Assert.Equal(0, await _harness.CountAsync(retiredPoison));
        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(replay.Items).Outcome);
        Assert.Equal(1, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task WritingTheSameRecordTwice_KeepsOneRow_AndCountsItOnce()
    {
        var store = _harness.CreateStore();
        var writer = new DeadLetterWriter(store);
        var record = Record("dup", "members", DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        await writer.WriteAsync(record);
        await writer.WriteAsync(record);
        var stats = await store.StatsAsync();

        Assert.Equal(1, stats.Total);
        Assert.Equal("counters", stats.CountedBy);
        Assert.Equal("dup", Assert.Single((await store.PageAsync(DeadLetterFilter.None)).Items).Id);
    }

    [Fact]
    public async Task ALookupLeftByACrashBeforeTheRecord_IsSkipped_AndTheRerunWritesTheRecord()
    {
        var store = _harness.CreateStore();
        await store.ImportAsync(); // creates the table
        await _harness.IndexTable.UpsertEntityAsync(new TableEntity("~id" + "0", "x|s-members|0000000000000000001_x") { ["P"] = "s-members", ["R"] = "0000000000000000001_x" });
        var record = Record("x", "members", DateTimeOffset.UtcNow);

        await new DeadLetterWriter(store).WriteAsync(record);
        var entry = await store.GetAsync("x");

        Assert.NotNull(entry);
        Assert.Equal("members", entry.Source);
        Assert.Equal(1, (await store.StatsAsync()).Total);
    }

    [Fact]
    public async Task StatsFromCounters_FollowPurgeAndReplay_AndAFilteredScanAgrees()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        var store = _harness.CreateStore();

        var before = await store.StatsAsync();
        var purged = await store.PurgeAsync(DeadLetterSelection.ByIds("o1"));
        _harness.Members.Default = TargetReply.Of(200);
        var replayed = await store.ReplayAsync(DeadLetterSelection.ByIds("m1"));
        var after = await store.StatsAsync();
        var scanned = await store.StatsAsync(new DeadLetterFilter { Status = 409 });

        Assert.Equal(3, before.Total);
        Assert.Equal(2, before.ByStatus["409"]);
        Assert.Equal(1, purged.Deleted);
        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(replayed.Items).Outcome);
        Assert.Equal(1, after.Total);
        Assert.Equal(1, after.BySource["members"]);
        Assert.False(after.ByStatus.ContainsKey("422"));
        Assert.Equal("scan", scanned.CountedBy);
        Assert.Equal(1, scanned.Total);
        Assert.False(scanned.Truncated);
    }

    [Fact]
    public async Task AReplayByFilter_DeletesTheRecordsOfEverySource_AndTheirIdLookups()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        var lookupsBefore = _harness.IndexTable.Query<TableEntity>(e => e.PartitionKey.CompareTo("~id") >= 0 && e.PartitionKey.CompareTo("~ie") < 0).Count();

        var result = await _harness.CreateStore().ReplayAsync(DeadLetterSelection.Matching(DeadLetterFilter.None));

        Assert.Equal(3, lookupsBefore); // the worker writes one per record
        Assert.Equal(["o1", "m2", "m1"], result.Items.Select(i => i.Id));
        Assert.All(result.Items, i => Assert.Equal(ReplayOutcomes.Replayed, i.Outcome));
        Assert.Empty(_harness.IndexTable.Query<TableEntity>(e => e.PartitionKey.CompareTo("~id") >= 0 && e.PartitionKey.CompareTo("~ie") < 0));
        Assert.Equal(0, (await _harness.CreateStore().StatsAsync()).Total);
        Assert.Equal(3, (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value.Length);
    }

    [Fact]
    public async Task AReplayByFilter_StopsAtItsBudget_WithAnExactReport_AndTheContinuationFinishesIt()
    {
        var store = _harness.CreateStore();
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await store.WriteBatchAsync([.. Enumerable.Range(0, 5).Select(i => Record($"r{i}", "members", at.AddSeconds(i)))], CancellationToken.None);
        var selection = DeadLetterSelection.Matching(new DeadLetterFilter { Source = "members" });

        var first = await store.ReplayAsync(selection, new ReplayOptions { Budget = new DeadLetterBudget { MaxItems = 2 } });
        var rest = await store.ReplayAsync(selection, new ReplayOptions { Budget = new DeadLetterBudget { Continuation = first.Continuation } });

        Assert.False(first.Complete);
        Assert.Equal(["r4", "r3"], first.Items.Select(i => i.Id));
        Assert.All(first.Items, i => Assert.Equal(ReplayOutcomes.Replayed, i.Outcome));
        Assert.True(rest.Complete);
        Assert.Equal(["r2", "r1", "r0"], rest.Items.Select(i => i.Id));
        Assert.Equal(5, (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value.Length);
        Assert.Equal(0, (await store.StatsAsync()).Total);
    }

    [Fact]
    public async Task APacedReplay_StoppedByTime_LeavesTheChunkItClaimedAhead_ForTheContinuation_QueuedOnce()
    {
        // 0.8 per second: chunks of 4 (5 s of sends), and the first chunk's paced sends alone (3.75 s) outlast the
        // 0.5 s budget, so the call stops after it while the second chunk is already claimed (claims run ahead of the
        // sends). On a clock a hundred times fast, so the test takes milliseconds.
        var store = _harness.CreateStore(new FastClock(100));
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await store.WriteBatchAsync([.. Enumerable.Range(0, 8).Select(i => Record($"p{i}", "members", at.AddSeconds(i)))], CancellationToken.None);
        var selection = DeadLetterSelection.Matching(new DeadLetterFilter { Source = "members" });

        var first = await store.ReplayAsync(selection, new ReplayOptions { RatePerSecond = 0.8, Budget = new DeadLetterBudget { MaxDuration = TimeSpan.FromSeconds(0.5) } });
        var left = await store.StatsAsync();
        var rest = await store.ReplayAsync(selection, new ReplayOptions { Budget = new DeadLetterBudget { Continuation = first.Continuation } });

        Assert.False(first.Complete);
        Assert.Equal(["p7", "p6", "p5", "p4"], first.Items.Select(i => i.Id));
        Assert.Equal(4, left.Total);
        Assert.Equal(["p3", "p2", "p1", "p0"], rest.Items.Select(i => i.Id));
        Assert.All(first.Items.Concat(rest.Items), i => Assert.Equal(ReplayOutcomes.Replayed, i.Outcome));
        var queued = (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value;
        Assert.Equal(8, queued.Length);
        Assert.Equal(8, queued.Select(m => EnvelopeSerializer.Deserialize(m.Body.ToArray()).Id).Distinct().Count());
        Assert.Equal(0, (await store.StatsAsync()).Total);
    }

    [Fact]
    public async Task AReplayOfAnEntryAnotherOperatorChanged_QueuesNothing()
    {
        var store = _harness.CreateStore();
        await store.WriteBatchAsync([Record("c1", "members", DateTimeOffset.UtcNow)], CancellationToken.None);
        var row = _harness.IndexTable.Query<TableEntity>(e => e.PartitionKey == "s-members").First(e => e.RowKey != "~counts");
        await _harness.IndexTable.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Note"] = "changed" }, row.ETag, TableUpdateMode.Merge);

        var claimed = await new Webhooks.DeadLetters.Index.DeadLetterIndex(_harness.IndexTable).ClaimAsync([row], "a-claim", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Empty(claimed);
    }

    private static DeadLetterRecord Record(string id, string source, DateTimeOffset at) => new()
    {
        Reason = DeadLetterReasons.RetriesExhausted,
        DeadLetteredAt = at,
        FinalStatus = 500,
        Envelope = new DeliveryEnvelope { Id = id, Source = source, ReceivedAt = at, ContentType = "application/json", Body = "{}"u8.ToArray() },
    };

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // Elapsed time and timers run `factor` times faster than real time (wall-clock time is the system's).
    private sealed class FastClock(int factor) : TimeProvider
    {
        private readonly long _origin = System.GetTimestamp();

        public override long GetTimestamp() => _origin + ((System.GetTimestamp() - _origin) * factor);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

        private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / factor;
    }
}
