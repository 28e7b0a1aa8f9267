using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>
/// Queue messages are input like any other: anyone with queue access (or a replayed record) can write one. A message
/// that is not base64 is never guessed at, and a claim-check reference can only name the app's own payload blobs.
/// </summary>
public sealed class UntrustedMessageTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task MessageThatIsNotBase64_MovesToItsQueuesPoisonQueueAsMalformed_WithItsRawText()
    {
        _target.Enqueue(TargetReply.Of(200));
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        const string Raw = "{\"id\":\"evt_plain\",\"note\":\"written as plain text by another tool\"}";
        await azurite.CreateRawQueueServiceClient().GetQueueClient(host.Queues.Deliveries.Name).SendMessageAsync(Raw);

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await host.WaitUntilCountAsync(host.Queues.DeliveriesPoison, 1, Patience);
        await worker.StopAsync(CancellationToken.None);

        var poisoned = Assert.Single((await host.Queues.DeliveriesPoison.PeekMessagesAsync(32)).Value);
        var record = JsonSerializer.Deserialize(poisoned.Body.ToMemory().Span, WebhooksJsonContext.Default.DeadLetterRecord)!;
        Assert.Equal(DeadLetterReasons.MalformedMessage, record.Reason);
        Assert.Equal(Raw, record.RawMessage);
        Assert.Contains("not valid base64", record.Detail, StringComparison.Ordinal);
        Assert.Equal(host.Queues.Deliveries.Name, record.OriginQueue);
        Assert.Equal(0, await host.CountAsync(host.Queues.Deliveries));
        Assert.Empty(_target.Requests);

        var listed = Assert.Single((await new DeadLetterStore(host.Queues, TimeProvider.System).ListAsync()).Items);
        Assert.True(listed.Poisoned);
        Assert.Equal(DeadLetterReasons.MalformedMessage, listed.Reason);
    }

    [Fact]
    public async Task MessageThatIsNotBase64_InTheDeadLetterQueue_IsListedWithItsRawText_NotHidden()
    {
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        const string Raw = "a note someone left by hand";
        await azurite.CreateRawQueueServiceClient().GetQueueClient(host.Queues.DeadLetter.Name).SendMessageAsync(Raw);
        var store = new DeadLetterStore(host.Queues, TimeProvider.System);

        var first = await store.ListAsync();
        var again = await store.ListAsync();

        var listed = Assert.Single(again.Items);
        Assert.Equal(DeadLetterReasons.MalformedMessage, listed.Reason);
        Assert.False(listed.Poisoned);
        Assert.Equal(Raw, (await store.GetAsync(listed.Id))!.Record.RawMessage);
        Assert.Equal(1, await host.CountAsync(host.Queues.DeadLetter));
        Assert.True(first.Total <= 1);
    }

    [Theory]
    [InlineData("other-container")]
    [InlineData("own-container-other-name")]
    public async Task ClaimCheckReferenceToABlobWeDidNotWrite_IsDeadLetteredUnread_AndPurgeLeavesThatBlob(string kind)
    {
        await using var host = await DeliveryHost.CreateAsync(azurite, _target.Url, output);
        var (container, blobName) = kind == "other-container"
            ? (azurite.CreateBlobServiceClient().GetBlobContainerClient(UniqueNames.Queue("secrets")), "host.json")
            : (host.Payloads.Container, "dedup/shop/0123456789abcdef0123456789abcdef");
        await container.CreateIfNotExistsAsync();
        var secret = container.GetBlobClient(blobName);
        await secret.UploadAsync(new BinaryData("{\"masterKey\":\"do-not-send\"}"));
        var envelope = DeliveryHost.Envelope("evt_foreign");
        envelope.Body = null;
        envelope.BodyRef = new BodyReference(container.Name, blobName, 27);
        await host.EnqueueAsync(envelope);

        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await host.WaitForDeadLettersAsync(1, Patience));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(DeadLetterReasons.PayloadMissing, record.Reason);
        Assert.Contains("not a claim-check body of this app", record.Detail, StringComparison.Ordinal);
        Assert.Empty(_target.Requests);

        var purged = await new DeadLetterStore(host.Queues, TimeProvider.System, payloads: host.Payloads).PurgeAsync(DeadLetterFilter.None);
        Assert.Equal(1, purged.Deleted);
        Assert.Equal(0, purged.PayloadsDeleted);
        Assert.True((await secret.ExistsAsync()).Value, "Purge deleted a blob the app never wrote.");
        Assert.Equal("{\"masterKey\":\"do-not-send\"}", (await secret.DownloadContentAsync()).Value.Content.ToString());
    }
}
