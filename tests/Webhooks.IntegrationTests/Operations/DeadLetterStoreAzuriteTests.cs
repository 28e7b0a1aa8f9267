using System.Text;
using System.Text.Json;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>The dead-letter store on real Azurite, over records written by the real delivery processor.</summary>
[Collection(OperationsCollection.Name)]
public sealed class DeadLetterStoreAzuriteTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OperationsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await OperationsHarness.StartAsync(azurite, "dlstore");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task List_OverRealWorkerRecords_FiltersBySourceStatusErrorCodeAndReason_AndHidesNothing()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        await _harness.DeliverRawAsync("not an envelope");
        var store = _harness.CreateStore();

        var all = await store.ListAsync();
        var members = await store.ListAsync(new DeadLetterFilter { Source = "members" });
        var unprocessable = await store.ListAsync(new DeadLetterFilter { Status = 422 });
        var conflicts = await store.ListAsync(new DeadLetterFilter { ErrorCode = "userEmailConflict" });
        var malformed = await store.ListAsync(new DeadLetterFilter { Reason = DeadLetterReasons.MalformedMessage });

        Assert.Equal(4, all.Total);
        Assert.Equal(["m1", "m2"], members.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal("o1", Assert.Single(unprocessable.Items).Id);
        Assert.Equal(2, conflicts.Items.Count);
        Assert.Null(Assert.Single(malformed.Items).Source);
        Assert.True(all.Items.Zip(all.Items.Skip(1)).All(p => p.First.DeadLetteredAt >= p.Second.DeadLetteredAt), "newest first");
        Assert.Equal(4, await _harness.DeadLetterCountAsync()); // listing consumed nothing
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.DeadLetter)); // records live in the index
    }

    [Fact]
    public async Task Get_ShowsTheParsedSeed004Error_AndEveryAttempt()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var entry = await _harness.CreateStore().GetAsync("m1");

        Assert.NotNull(entry);
        Assert.Equal(DeadLetterReasons.TargetRejected, entry.Reason);
        Assert.Equal(409, entry.Status);
        Assert.Equal("userEmailConflict", entry.ErrorCode);
        Assert.Equal("The email is already used within your gym or chain", entry.Record.Error?.Message);
        Assert.Equal("ACCOUNT", entry.Record.Error?.Entity);
        Assert.StartsWith("409 userEmailConflict: The email is already used within your gym or chain", entry.ErrorSummary, StringComparison.Ordinal);
        var attempt = Assert.Single(entry.Record.Envelope!.Attempts);
        Assert.Equal(409, attempt.Status);
        Assert.Contains("member.created", entry.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_PutsTheDeliveryBackWithAttemptsReset_AndTheProcessorDeliversIt()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        _harness.Members.Default = TargetReply.Of(200);

        var result = await _harness.CreateStore().ReplayAsync(DeadLetterSelection.ByIds("m1"));

        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(result.Items).Outcome);
        Assert.Equal(0, await _harness.DeadLetterCountAsync());
        var queued = Assert.Single((await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value);
        var envelope = EnvelopeSerializer.Deserialize(queued.Body.ToMemory().Span);
        Assert.Equal("m1", envelope.Id);
        Assert.Equal(0, envelope.Attempt);
        Assert.Empty(envelope.Attempts);
        Assert.Equal(1, envelope.ReplayCount);
        Assert.True(queued.ExpiresOn is null || queued.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"TTL should be infinite; expires {queued.ExpiresOn}");

        var outcomes = await _harness.ProcessPendingAsync();

        Assert.Equal(DeliveryOutcomeKind.Delivered, Assert.Single(outcomes).Kind);
        Assert.Equal(["m1", "m1"], _harness.Members.Requests.Select(r => r.Header("Idempotency-Key")));
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task Replay_WithARate_SpacesTheMessages()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("m3", "members");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await _harness.CreateStore().ReplayAsync(DeadLetterSelection.Matching(DeadLetterFilter.None), new ReplayOptions { RatePerSecond = 4 });

        Assert.Equal(3, result.Replayed);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"3 messages at 4/s took only {clock.Elapsed}.");
        Assert.Equal(3, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task Replay_DryRun_MovesNothing()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var result = await _harness.CreateStore().ReplayAsync(DeadLetterSelection.Matching(DeadLetterFilter.None), new ReplayOptions { DryRun = true });

        Assert.Equal(2, result.Matched);
        Assert.All(result.Items, i => Assert.Equal(ReplayOutcomes.WouldReplay, i.Outcome));
        Assert.Equal(2, await _harness.DeadLetterCountAsync());
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task Purge_WithAFilter_DeletesOnlyMatches()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        await _harness.DeliverOnceAsync("o2", "orders");

        var result = await _harness.CreateStore().PurgeAsync(new DeadLetterFilter { Source = "orders", Status = 422 });

        Assert.Equal(2, result.Deleted);
        var left = await _harness.CreateStore().ListAsync();
        Assert.Equal("m1", Assert.Single(left.Items).Id);
    }

    [Fact]
    public async Task PoisonedMessages_AreListedMarked_ParsedOrRaw_AndReplayable()
    {
        var envelope = new DeliveryEnvelope
        {
            Id = "p1", Source = "members", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json",
            Body = "{\"type\":\"member.created\"}"u8.ToArray(), Attempt = 5,
        };
        await _harness.PoisonAsync(Encoding.UTF8.GetString(EnvelopeSerializer.Serialize(envelope)));
        await _harness.PoisonAsync("\u0001 definitely not json");
        await _harness.DeliverOnceAsync("m1", "members");
        var store = _harness.CreateStore();

        var poisoned = await store.ListAsync(new DeadLetterFilter { PoisonedOnly = true });
        var parsed = poisoned.Items.Single(i => i.Id == "p1");
        var raw = poisoned.Items.Single(i => i.Id != "p1");
        _harness.Members.Default = TargetReply.Of(200);
        var replay = await store.ReplayAsync(DeadLetterSelection.ByIds("p1"));

        Assert.Equal(2, poisoned.Items.Count);
        Assert.All(poisoned.Items, i => Assert.True(i.Poisoned));
        Assert.All(poisoned.Items, i => Assert.Equal(DeadLetterReasons.HostPoisoned, i.Reason));
        Assert.Equal("members", parsed.Source);
        Assert.Equal(_harness.Queues.DeliveriesPoison.Name, parsed.Queue);
        Assert.False(raw.Readable);
        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(replay.Items).Outcome);
        Assert.Equal(DeliveryOutcomeKind.Delivered, Assert.Single(await _harness.ProcessPendingAsync()).Kind);
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.DeliveriesPoison)); // indexed on read
        Assert.Equal(2, await _harness.DeadLetterCountAsync()); // the raw one and m1 stay
    }

    [Fact]
    public async Task StatsAndExport_CoverEveryRecord()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        await _harness.PoisonAsync("raw");
        var store = _harness.CreateStore();
        using var output = new MemoryStream();

        var stats = await store.StatsAsync();
        var exported = await store.ExportAsync(output);

        Assert.Equal(3, stats.Total);
        Assert.Equal(1, stats.Poisoned);
        Assert.Equal(1, stats.ByStatus["409"]);
        Assert.Equal(1, stats.ByStatus["422"]);
        Assert.Equal(1, stats.ByErrorCode["userEmailConflict"]);
        Assert.NotNull(stats.OldestAge);
        Assert.Equal(3, exported);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task QueueStats_ReportsDepthAndOldestAgeOfEveryQueue()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.Queues.Deliveries.SendMessageAsync("{}"u8.ToArray(), null, Timeout.InfiniteTimeSpan);

        var stats = await _harness.CreateStore().QueueStatsAsync();

        Assert.Equal([_harness.Names.Deliveries, _harness.Names.DeadLetter, _harness.Names.Deliveries + "-poison"], stats.Select(s => s.Name));
        Assert.Equal(1, stats[0].ApproximateCount);
        Assert.Equal(1, stats[1].ApproximateCount); // the record is in the index; the dead-letter line counts it
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.DeadLetter));
        Assert.Equal(0, stats[2].ApproximateCount);
        Assert.NotNull(stats[0].OldestAge);
        Assert.Null(stats[2].OldestAge);
    }
}
