using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>
/// Replay when Storage applies a request but its answer is lost and the SDK sends it again (issue 14's 412s and
/// duplicates under load), reproduced on real Azurite by a policy that drops the first answer.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class ReplayLostAnswerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private OperationsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await OperationsHarness.StartAsync(azurite, "dllost");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task AClaimAppliedButUnanswered_IsRecognisedAsOurOwnOnTheRetry_AndEachEntryIsReplayedExactlyOnce()
    {
        await _harness.CreateStore().WriteBatchAsync([.. Enumerable.Range(0, 3).Select(i => Record($"c{i}", At.AddSeconds(i)))], CancellationToken.None);
        var lost = new LostAnswerPolicy(r => r.Method == RequestMethod.Post && r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var options = WebhookStorage.TableOptions(TimeSpan.FromSeconds(30));
        options.AddPolicy(lost, HttpPipelinePosition.PerRetry);
        var table = new TableClient(azurite.ConnectionString, _harness.IndexTable.Name, options);
        var store = new DeadLetterStore(_harness.Queues, table, TimeProvider.System);

        lost.Arm(); // the replay's first transaction is its claim
        var result = await store.ReplayAsync(DeadLetterSelection.Matching(new DeadLetterFilter { Source = "members" }));

        Assert.Equal(1, lost.Dropped);
        Assert.Equal(["c2", "c1", "c0"], result.Items.Select(i => i.Id));
        Assert.All(result.Items, i => Assert.Equal(ReplayOutcomes.Replayed, i.Outcome));
        var queued = (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value
            .Select(m => EnvelopeSerializer.Deserialize(m.Body.ToArray()).Id)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["c0", "c1", "c2"], queued);
        Assert.Equal(0, (await _harness.CreateStore().StatsAsync()).Total);
    }

    [Fact]
    public async Task AClaimTakenByAnotherReplay_StaysTheirs_AndQueuesNothing()
    {
        var store = _harness.CreateStore();
        await store.WriteBatchAsync([Record("t1", At)], CancellationToken.None);
        var row = _harness.IndexTable.Query<TableEntity>(e => e.PartitionKey == "s-members").First(e => e.RowKey != "~counts");
        var index = new Webhooks.DeadLetters.Index.DeadLetterIndex(_harness.IndexTable);

        var theirs = await index.ClaimAsync([row], "their-claim", At, CancellationToken.None);
        var ours = await index.ClaimAsync([row], "our-claim", At, CancellationToken.None); // same stale ETag: 412, then re-read
        var theirsAgain = await index.ClaimAsync([row], "their-claim", At, CancellationToken.None); // their retry: still theirs

        Assert.Single(theirs);
        Assert.Empty(ours);
        Assert.Single(theirsAgain);
        Assert.Equal("their-claim", (await _harness.IndexTable.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey)).Value.GetString("ReplayClaim"));
    }

    [Fact]
    public async Task ASendAppliedButUnanswered_LeavesOneCopy_WhichTheReplayReportsExactly()
    {
        await _harness.CreateStore().WriteBatchAsync([Record("s1", At), Record("s2", At.AddSeconds(1))], CancellationToken.None);
        var deliveries = _harness.Queues.Deliveries.Name;
        var lost = new LostAnswerPolicy(r => r.Method == RequestMethod.Post && r.Uri.Path.EndsWith($"/{deliveries}/messages", StringComparison.Ordinal));
        var options = WebhookStorage.QueueOptions(TimeSpan.FromSeconds(10));
        options.AddPolicy(lost, HttpPipelinePosition.PerRetry);
        var queues = new WebhookQueues(new QueueServiceClient(azurite.ConnectionString, options), _harness.Names);
        var store = new DeadLetterStore(queues, _harness.IndexTable, TimeProvider.System, new DeadLetterStoreOptions { ReplayConcurrency = 1 });

        lost.Arm(); // the first send (s2, newest first) lands, its answer is lost, the SDK sends it again
        var result = await store.ReplayAsync(DeadLetterSelection.Matching(new DeadLetterFilter { Source = "members" }));

        Assert.Equal(1, lost.Dropped);
        Assert.All(result.Items, i => Assert.Equal(ReplayOutcomes.Replayed, i.Outcome));
        Assert.Equal(1, result.PossibleDuplicates);
        Assert.Equal(1, result.Items.Single(i => i.Id == "s2").PossibleDuplicates);
        Assert.Null(result.Items.Single(i => i.Id == "s1").PossibleDuplicates);
        var queued = (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value
            .Select(m => EnvelopeSerializer.Deserialize(m.Body.ToArray()).Id)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["s1", "s2", "s2"], queued); // the copy is real, and it is the one reported
        Assert.Equal(0, (await _harness.CreateStore().StatsAsync()).Total);
    }

    private static DeadLetterRecord Record(string id, DateTimeOffset at) => new()
    {
        Reason = DeadLetterReasons.RetriesExhausted,
        DeadLetteredAt = at,
        FinalStatus = 500,
        Envelope = new DeliveryEnvelope { Id = id, Source = "members", ReceivedAt = at, ContentType = "application/json", Body = "{}"u8.ToArray() },
    };
}
