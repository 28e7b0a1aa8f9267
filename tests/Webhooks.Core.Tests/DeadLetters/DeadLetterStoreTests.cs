using System.Text;
using System.Text.Json;
using Azure;
using Moq;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Webhooks.Testing;
using static Webhooks.Core.Tests.DeadLetters.DeadLetterFixtures;

namespace Webhooks.Core.Tests.DeadLetters;

public class DeadLetterStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(T0);
    private readonly InMemoryQueue _deliveries;
    private readonly InMemoryQueue _deadLetter;
    private readonly InMemoryQueue _poison;
    private readonly DeadLetterStore _store;

    public DeadLetterStoreTests()
    {
        _deliveries = new InMemoryQueue("deliveries", _time);
        _deadLetter = new InMemoryQueue("deadletter", _time);
        _poison = new InMemoryQueue("deliveries-poison", _time);
        _store = new DeadLetterStore(_deliveries, _deadLetter, _poison, _time);
    }

    [Fact]
    public async Task List_ReturnsNewestFirst_AndReleasesEveryMessage()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0.AddMinutes(-30)));
        _deadLetter.Add(Conflict("d2", "shop", T0.AddMinutes(-10)));
        _deadLetter.Add(Exhausted("d3", "crm", T0.AddMinutes(-20)));

        var page = await _store.ListAsync();

        Assert.Equal(["d2", "d3", "d1"], page.Items.Select(i => i.Id));
        Assert.Equal(3, page.Total);
        Assert.Equal(3, _deadLetter.VisibleCount);
        Assert.Equal(3, _deadLetter.Calls.Count(c => c.EndsWith("visibility=0", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("shop", null, null, null, "d1,d2")]
    [InlineData(null, "retriesExhausted", null, null, "d3")]
    [InlineData(null, null, 409, null, "d1,d2")]
    [InlineData(null, null, null, "USEREMAILCONFLICT", "d1,d2")]
    [InlineData("crm", "targetRejected", null, null, "")]
    public async Task List_FiltersBySourceReasonStatusAndErrorCode(string? source, string? reason, int? status, string? errorCode, string expected)
    {
        _deadLetter.Add(Conflict("d1", "shop", T0.AddMinutes(-3)));
        _deadLetter.Add(Conflict("d2", "shop", T0.AddMinutes(-2)));
        _deadLetter.Add(Exhausted("d3", "crm", T0.AddMinutes(-1)));

        var page = await _store.ListAsync(new DeadLetterFilter { Source = source, Reason = reason, Status = status, ErrorCode = errorCode });

        Assert.Equal(expected, string.Join(",", page.Items.Select(i => i.Id).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task List_FiltersByTimeRange_FromInclusiveToExclusive()
    {
        _deadLetter.Add(Conflict("old", "shop", T0.AddHours(-3)));
        _deadLetter.Add(Conflict("mid", "shop", T0.AddHours(-2)));
        _deadLetter.Add(Conflict("new", "shop", T0.AddHours(-1)));

        var page = await _store.ListAsync(new DeadLetterFilter { From = T0.AddHours(-2), To = T0.AddHours(-1) });

        Assert.Equal(["mid"], page.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task List_PagesWithSkipAndTake_AndReportsTheTotal()
    {
        for (var i = 1; i <= 5; i++)
        {
            _deadLetter.Add(Conflict($"d{i}", "shop", T0.AddMinutes(i)));
        }

        var page = await _store.ListAsync(skip: 1, take: 2);

        Assert.Equal(["d4", "d3"], page.Items.Select(i => i.Id));
        Assert.Equal(5, page.Total);
    }

    [Fact]
    public async Task List_ShowsPoisonedMessagesMarked_ParsedWhenTheyAreEnvelopes_RawOtherwise()
    {
        _poison.Add(EnvelopeJson(Envelope("p1", "shop")), T0.AddMinutes(-5));
        _poison.Add("this is not an envelope", T0.AddMinutes(-6));
        _deadLetter.Add(Conflict("d1", "shop", T0.AddMinutes(-1)));

        var page = await _store.ListAsync(new DeadLetterFilter { PoisonedOnly = true });

        Assert.Equal(2, page.Total);
        var parsed = Assert.IsType<DeadLetterEntry>(page.Items[0]);
        Assert.True(parsed.Poisoned);
        Assert.Equal("p1", parsed.Id);
        Assert.Equal("shop", parsed.Source);
        Assert.Equal(DeadLetterReasons.HostPoisoned, parsed.Reason);
        Assert.Equal("deliveries-poison", parsed.Queue);
        Assert.Equal(T0.AddMinutes(-5), parsed.DeadLetteredAt);
        var raw = Assert.IsType<DeadLetterEntry>(page.Items[1]);
        Assert.True(raw.Poisoned);
        Assert.False(raw.Readable);
        Assert.Equal(raw.MessageId, raw.Id);
        Assert.Equal("this is not an envelope", raw.Record.RawMessage);
        Assert.Equal(0, _deadLetter.Calls.Count(c => c.StartsWith("receive", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task List_WhenTheQueuesDoNotExist_IsEmpty()
    {
        var store = new DeadLetterStore(_deliveries, new InMemoryQueue("dl", _time, exists: false), new InMemoryQueue("p", _time, exists: false), _time);

        var page = await store.ListAsync();

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task List_AnUnreadableDeadLetterMessage_IsShownRawNotThrown()
    {
        _deadLetter.Add("{\"garbage\":true}");

        var page = await _store.ListAsync();

        var entry = Assert.IsType<DeadLetterEntry>(Assert.Single(page.Items));
        Assert.False(entry.Readable);
        Assert.Equal("{\"garbage\":true}", entry.Record.RawMessage);
    }

    [Fact]
    public async Task Scan_WhenTheSameMessagesComeBack_StopsInsteadOfLooping()
    {
        var queue = new Moq.Mock<Azure.Storage.Queues.QueueClient>();
        queue.SetupGet(q => q.Name).Returns("dl");
        var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage("m1", "r1", BinaryData.FromString(Conflict("d1", "shop", T0)), 1, null, T0, null);
        queue.Setup(q => q.ReceiveMessagesAsync(Moq.It.IsAny<int?>(), Moq.It.IsAny<TimeSpan?>(), Moq.It.IsAny<CancellationToken>()))
            .ReturnsAsync(InMemoryQueue.Of<Azure.Storage.Queues.Models.QueueMessage[]>([message]));
        var store = new DeadLetterStore(_deliveries, queue.Object, new InMemoryQueue("p", _time, exists: false), _time);

        var page = await store.ListAsync();

        Assert.Equal(1, page.Total);
        queue.Verify(q => q.ReceiveMessagesAsync(Moq.It.IsAny<int?>(), Moq.It.IsAny<TimeSpan?>(), Moq.It.IsAny<CancellationToken>()), Moq.Times.Exactly(2));
    }

    [Fact]
    public async Task Get_FindsByDeliveryIdOrMessageId_WithTheFullRecord()
    {
        var messageId = _deadLetter.Add(Conflict("d1", "shop", T0));

        var byId = await _store.GetAsync("d1");
        var byMessageId = await _store.GetAsync(messageId);
        var missing = await _store.GetAsync("nope");

        Assert.NotNull(byId);
        Assert.Equal("userEmailConflict", byId.Record.Error?.ErrorCode);
        Assert.Equal("409 userEmailConflict: The email is already used within your gym or chain", byId.ErrorSummary);
        Assert.Equal("{\"type\":\"member.created\",\"email\":\"a@example.com\"}", byId.BodyText);
        Assert.Equal("d1", byMessageId?.Id);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Stats_CountsBySourceReasonStatusAndErrorCode_WithOldestAge()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0.AddHours(-2)));
        _deadLetter.Add(Conflict("d2", "shop", T0.AddHours(-1)));
        _deadLetter.Add(Exhausted("d3", "crm", T0.AddMinutes(-1)));
        _poison.Add(EnvelopeJson(Envelope("p1", "crm")), T0.AddHours(-3));

        var stats = await _store.StatsAsync();

        Assert.Equal(4, stats.Total);
        Assert.Equal(1, stats.Poisoned);
        Assert.Equal(2, stats.BySource["shop"]);
        Assert.Equal(2, stats.BySource["crm"]);
        Assert.Equal(2, stats.ByReason["targetRejected"]);
        Assert.Equal(1, stats.ByReason["hostPoisoned"]);
        Assert.Equal(2, stats.ByStatus["409"]);
        Assert.Equal(1, stats.ByStatus["503"]);
        Assert.Equal(1, stats.ByStatus["none"]);
        Assert.Equal(2, stats.ByErrorCode["userEmailConflict"]);
        Assert.Equal(TimeSpan.FromHours(3), stats.OldestAge);
    }

    [Fact]
    public async Task Export_WritesOneJsonObjectPerLine_WithTheFullRecord()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0.AddMinutes(-2)));
        _deadLetter.Add(Exhausted("d2", "crm", T0.AddMinutes(-1)));
        using var output = new MemoryStream();

        var count = await _store.ExportAsync(output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, count);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("d2", first.RootElement.GetProperty("id").GetString());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("userEmailConflict", second.RootElement.GetProperty("record").GetProperty("error").GetProperty("errorCode").GetString());
        Assert.Equal(2, _deadLetter.VisibleCount);
    }

    [Fact]
    public async Task Replay_QueuesTheEnvelopeWithAttemptsReset_ThenDeletesTheRecord()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(result.Items).Outcome);
        Assert.Empty(_deadLetter.Texts);
        var replayed = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts)));
        Assert.Equal("d1", replayed.Id);
        Assert.Equal(0, replayed.Attempt);
        Assert.Empty(replayed.Attempts);
        Assert.Equal(1, replayed.ReplayCount);
        Assert.Equal(Envelope("d1", "shop").Body, replayed.Body);
        Assert.Equal(["send ttl=infinite"], _deliveries.Calls);
        var claim = _deadLetter.Calls.FindIndex(c => c.EndsWith("visibility=60", StringComparison.Ordinal));
        var delete = _deadLetter.Calls.FindIndex(c => c.StartsWith("delete", StringComparison.Ordinal));
        Assert.True(claim >= 0 && delete > claim);
    }

    [Fact]
    public async Task ByDestination_ListStatsAndReplay_KeepOrRetargetTheDestination_InQueueScanMode()
    {
        _deadLetter.Add(Json(new DeadLetterRecord { Reason = DeadLetterReasons.TargetRejected, DeadLetteredAt = T0, FinalStatus = 422, Envelope = WithDestination(Envelope("c1", "shop"), "crm") }));
        _deadLetter.Add(Json(new DeadLetterRecord { Reason = DeadLetterReasons.TargetRejected, DeadLetteredAt = T0.AddSeconds(1), FinalStatus = 422, Envelope = WithDestination(Envelope("c2", "shop"), "crm") }));
        _deadLetter.Add(Conflict("legacy", "shop", T0.AddSeconds(2)));

        var crm = await _store.ListAsync(new DeadLetterFilter { Destination = "CRM" });
        var stats = await _store.StatsAsync();
        var own = await _store.ReplayAsync(DeadLetterSelection.ByIds("c1"));
        var moved = await _store.ReplayAsync(DeadLetterSelection.ByIds("c2"), new ReplayOptions { ToDestination = "billing" });

        Assert.Equal(["c2", "c1"], crm.Items.Select(i => i.Id));
        Assert.Equal(2, stats.ByDestination["crm"]);
        Assert.Equal(1, stats.ByDestination["none"]);
        Assert.Equal("crm", Assert.Single(own.Items).Destination);
        Assert.Equal("billing", Assert.Single(moved.Items).Destination);
        var queued = _deliveries.Texts.Select(t => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(t))).ToList();
        Assert.Equal([("c1", "crm"), ("c2", "billing")], queued.Select(e => (e.Id, e.Destination)));
    }

    private static DeliveryEnvelope WithDestination(DeliveryEnvelope envelope, string destination)
    {
        envelope.Destination = destination;
        return envelope;
    }

    [Fact]
    public async Task Replay_DryRun_MovesNothing()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));
        _deadLetter.Add(Conflict("d2", "shop", T0));

        var result = await _store.ReplayAsync(DeadLetterSelection.Matching(DeadLetterFilter.None), new ReplayOptions { DryRun = true });

        Assert.True(result.DryRun);
        Assert.Equal(2, result.Matched);
        Assert.All(result.Items, i => Assert.Equal(ReplayOutcomes.WouldReplay, i.Outcome));
        Assert.Empty(_deliveries.Texts);
        Assert.Equal(2, _deadLetter.VisibleCount);
    }

    [Fact]
    public async Task Replay_WhenQueuingFails_KeepsTheRecordVisible()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));
        _deliveries.FailNextSend = new RequestFailedException(503, "busy", "ServerBusy", null);

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds("d1"));

        var item = Assert.Single(result.Items);
        Assert.Equal(ReplayOutcomes.Failed, item.Outcome);
        Assert.False(result.Succeeded);
        Assert.Single(_deadLetter.Texts);
        Assert.Equal(1, _deadLetter.VisibleCount);
        Assert.DoesNotContain(_deadLetter.Calls, c => c.StartsWith("delete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_WhenAnotherReaderTookTheEntry_QueuesNothing()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));
        var stolen = false;
        var progress = new SyncProgress(p =>
        {
            if (p.Operation == "scan" && !stolen)
            {
                stolen = true;
                _time.Advance(TimeSpan.FromMinutes(2)); // the scan outlived its visibility timeout
                _deadLetter.StealVisible();
            }
        });

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds("d1"), progress: progress);

        Assert.Equal(ReplayOutcomes.Failed, Assert.Single(result.Items).Outcome);
        Assert.Empty(_deliveries.Texts);
        Assert.Single(_deadLetter.Texts);
    }

    [Fact]
    public async Task Replay_WhenTheDeleteFails_ReportsTheRecordKept()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));
        _deadLetter.FailDeletes = new RequestFailedException(500, "boom", "InternalError", null);

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Equal(ReplayOutcomes.RecordKept, Assert.Single(result.Items).Outcome);
        Assert.Equal(1, result.Replayed);
        Assert.Equal(1, result.RecordsKept);
        Assert.Single(_deliveries.Texts);
    }

    [Fact]
    public async Task Replay_AnUnreadablePoisonMessage_IsSkipped()
    {
        var id = _poison.Add("garbage");

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds(id));

        Assert.Equal(ReplayOutcomes.Skipped, Assert.Single(result.Items).Outcome);
        Assert.Empty(_deliveries.Texts);
        Assert.Single(_poison.Texts);
    }

    [Fact]
    public async Task Replay_APoisonedEnvelope_GoesBackToDeliveries()
    {
        _poison.Add(EnvelopeJson(Envelope("p1", "shop", attempt: 3)));

        var result = await _store.ReplayAsync(DeadLetterSelection.ByIds("p1"));

        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(result.Items).Outcome);
        Assert.Empty(_poison.Texts);
        Assert.Equal(0, EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts))).Attempt);
    }

    [Fact]
    public async Task Replay_WithNeitherIdsNorAll_IsRefused()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));

        await Assert.ThrowsAsync<ArgumentException>(() => _store.ReplayAsync(new DeadLetterSelection { Filter = new DeadLetterFilter { Source = "shop" } }));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PurgeAsync(new DeadLetterSelection()));
        Assert.Single(_deadLetter.Texts);
    }

    [Fact]
    public async Task Purge_WithAFilter_DeletesOnlyMatches()
    {
        _deadLetter.Add(Conflict("d1", "shop", T0));
        _deadLetter.Add(Exhausted("d2", "crm", T0));
        _poison.Add(EnvelopeJson(Envelope("p1", "shop")));

        var result = await _store.PurgeAsync(new DeadLetterFilter { Source = "shop", Reason = "targetRejected" });

        Assert.Equal(1, result.Matched);
        Assert.Equal(1, result.Deleted);
        var left = await _store.ListAsync();
        Assert.Equal(["d2", "p1"], left.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Purge_DeletesTheClaimCheckBlob_OnlyAfterTheEntryIsDeleted()
    {
        var body = new BodyReference("webhooks-payloads", "payloads/shop/b1", 100_000);
        _deadLetter.Add(ClaimChecked("d1", body));
        var payloads = new Mock<PayloadStore>();
        var entriesLeftWhenBlobDeleted = -1;
        payloads.Setup(p => p.DeleteAsync(body, It.IsAny<CancellationToken>()))
            .Callback(() => entriesLeftWhenBlobDeleted = _deadLetter.Texts.Count)
            .ReturnsAsync(true);
        var store = new DeadLetterStore(_deliveries, _deadLetter, _poison, _time, payloads: payloads.Object);

        var result = await store.PurgeAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Equal(1, result.Deleted);
        Assert.Equal(1, result.PayloadsDeleted);
        Assert.Equal(0, entriesLeftWhenBlobDeleted);
        payloads.Verify(p => p.DeleteAsync(body, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Purge_WhenDeletingTheBlobFails_ReportsIt_AndTheEntryStaysPurged()
    {
        var body = new BodyReference("webhooks-payloads", "payloads/shop/b1", 100_000);
        _deadLetter.Add(ClaimChecked("d1", body));
        var payloads = new Mock<PayloadStore>();
        payloads.Setup(p => p.DeleteAsync(body, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Server busy", "ServerBusy", null));
        var store = new DeadLetterStore(_deliveries, _deadLetter, _poison, _time, payloads: payloads.Object);

        var result = await store.PurgeAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Equal(1, result.Deleted);
        Assert.Empty(result.Failures);
        Assert.Equal(0, result.PayloadsDeleted);
        var failure = Assert.Single(result.PayloadFailures);
        Assert.Equal("d1", failure.Id);
        Assert.Contains("payloads/shop/b1", failure.Detail, StringComparison.Ordinal);
        Assert.Contains("503", failure.Detail, StringComparison.Ordinal);
        Assert.Empty(_deadLetter.Texts);
    }

    [Fact]
    public async Task Purge_WhenTheEntryCannotBeDeleted_KeepsTheBlob()
    {
        var body = new BodyReference("webhooks-payloads", "payloads/shop/b1", 100_000);
        _deadLetter.Add(ClaimChecked("d1", body));
        _deadLetter.FailDeletes = new RequestFailedException(404, "Message not found", "MessageNotFound", null);
        var payloads = new Mock<PayloadStore>();
        var store = new DeadLetterStore(_deliveries, _deadLetter, _poison, _time, payloads: payloads.Object);

        var result = await store.PurgeAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Single(result.Failures);
        payloads.Verify(p => p.DeleteAsync(It.IsAny<BodyReference>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Replay_NeverDeletesTheClaimCheckBlob()
    {
        var body = new BodyReference("webhooks-payloads", "payloads/shop/b1", 100_000);
        _deadLetter.Add(ClaimChecked("d1", body));
        var payloads = new Mock<PayloadStore>(MockBehavior.Strict);
        var store = new DeadLetterStore(_deliveries, _deadLetter, _poison, _time, payloads: payloads.Object);

        var result = await store.ReplayAsync(DeadLetterSelection.ByIds("d1"));

        Assert.Equal(ReplayOutcomes.Replayed, Assert.Single(result.Items).Outcome);
        Assert.Equal(body, EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts))).BodyRef);
        payloads.VerifyNoOtherCalls();
    }

    private static string ClaimChecked(string id, BodyReference body)
    {
        var envelope = Envelope(id, "shop");
        envelope.Body = null;
        envelope.BodyRef = body;
        return Json(new DeadLetterRecord { Envelope = envelope, Reason = DeadLetterReasons.TargetRejected, DeadLetteredAt = T0, FinalStatus = 409 });
    }

    [Fact]
    public async Task QueueStats_ReportsDepthAndOldestAge_AndAMissingQueue()
    {
        _deliveries.Add("a", T0.AddMinutes(-5));
        _deliveries.Add("b", T0.AddMinutes(-1));
        var store = new DeadLetterStore(_deliveries, _deadLetter, new InMemoryQueue("deliveries-poison", _time, exists: false), _time);

        var stats = await store.QueueStatsAsync();

        Assert.Equal([QueueRoles.Deliveries, QueueRoles.DeadLetter, QueueRoles.Poison], stats.Select(s => s.Role));
        Assert.Equal(2, stats[0].ApproximateCount);
        Assert.Equal(TimeSpan.FromMinutes(5), stats[0].OldestAge);
        Assert.Equal(0, stats[1].ApproximateCount);
        Assert.Null(stats[1].OldestAge);
        Assert.False(stats[2].Exists);
    }

    private sealed class SyncProgress(Action<DeadLetterProgress> report) : IProgress<DeadLetterProgress>
    {
        public void Report(DeadLetterProgress value) => report(value);
    }
}
