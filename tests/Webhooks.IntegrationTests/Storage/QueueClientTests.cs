using System.Text;
using Azure;
using Webhooks.Storage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>The queue client against a real Azurite: every operation, as the service answers it.</summary>
public sealed class QueueClientTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly QueueServiceClient _service = azurite.CreateQueueServiceClient();

    [Fact]
    public async Task CreateIfNotExists_TwiceThenDelete_QueueAppearsOnceAndGoes()
    {
        var queue = _service.GetQueueClient(UniqueNames.Queue("create"));

        await queue.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        var afterCreate = await _service.ListQueuesAsync(queue.Name);
        await queue.DeleteIfExistsAsync();
        await queue.DeleteIfExistsAsync();
        var afterDelete = await _service.ListQueuesAsync(queue.Name);

        Assert.Equal([queue.Name], afterCreate);
        Assert.Empty(afterDelete);
    }

    [Fact]
    public async Task SendThenReceive_ReturnsSameBytesAndIncrementsDequeueCount()
    {
        var queue = await CreateQueueAsync("roundtrip");
        var body = Encoding.UTF8.GetBytes("{\"hello\":\"wörld\"}");

        var receipt = await queue.SendMessageAsync(body);
        var received = Assert.Single(await queue.ReceiveMessagesAsync());

        Assert.Equal(receipt.MessageId, received.MessageId);
        Assert.Equal(body, received.Body.ToArray());
        Assert.Equal(Convert.ToBase64String(body), received.MessageText);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(string.IsNullOrEmpty(received.PopReceipt));
        Assert.NotNull(received.InsertedOn);
        Assert.True(received.NextVisibleOn > received.InsertedOn);
    }

    [Fact]
    public async Task Send_BinaryBodyWithEveryByteValue_RoundTripsByteForByte()
    {
        var queue = await CreateQueueAsync("binary");
        var body = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).ToArray();

        await queue.SendMessageAsync(body);
        var peeked = Assert.Single(await queue.PeekMessagesAsync());

        Assert.Equal(body, peeked.Body.ToArray());
    }

    [Fact]
    public async Task Peek_LeavesMessagesVisibleAndUncounted()
    {
        var queue = await CreateQueueAsync("peek");
        await queue.SendMessageAsync("a"u8.ToArray());
        await queue.SendMessageAsync("b"u8.ToArray());

        var first = await queue.PeekMessagesAsync(maxMessages: 32);
        var second = await queue.PeekMessagesAsync(maxMessages: 32);

        Assert.Equal(["a", "b"], first.Select(m => m.Body.ToString()));
        Assert.Equal(first.Select(m => m.MessageId), second.Select(m => m.MessageId));
        Assert.All(second, m => Assert.Equal(0, m.DequeueCount));
    }

    [Fact]
    public async Task Receive_WithVisibilityTimeout_HidesMessageUntilItReappears()
    {
        var queue = await CreateQueueAsync("visibility");
        await queue.SendMessageAsync("hide me"u8.ToArray());

        var first = Assert.Single(await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromSeconds(1)));
        var whileHidden = await queue.ReceiveMessagesAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var again = Assert.Single(await queue.ReceiveMessagesAsync());

        Assert.Empty(whileHidden);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task Send_WithInitialVisibilityTimeout_IsNotReceivableYet()
    {
        var queue = await CreateQueueAsync("delayed");

        var receipt = await queue.SendMessageAsync("later"u8.ToArray(), visibilityTimeout: TimeSpan.FromMinutes(5));
        var received = await queue.ReceiveMessagesAsync();
        var properties = await queue.GetPropertiesAsync();

        Assert.Empty(received);
        Assert.Equal(1, properties.ApproximateMessagesCount);
        Assert.True(receipt.TimeNextVisible >= receipt.InsertedOn.AddMinutes(4));
    }

    [Fact]
    public async Task Send_WithInfiniteTimeToLive_NeverExpires()
    {
        var queue = await CreateQueueAsync("ttl");

        var receipt = await queue.SendMessageAsync("forever"u8.ToArray(), timeToLive: Timeout.InfiniteTimeSpan);
        var peeked = Assert.Single(await queue.PeekMessagesAsync());

        Assert.True(receipt.ExpiresOn.Year >= 9999, $"ExpiresOn was {receipt.ExpiresOn:O}");
        Assert.True(peeked.ExpiresOn is null || peeked.ExpiresOn.Value.Year >= 9999);
    }

    [Fact]
    public async Task Send_WithShortTimeToLive_SetsExpiry()
    {
        var queue = await CreateQueueAsync("ttlshort");

        var receipt = await queue.SendMessageAsync("soon"u8.ToArray(), timeToLive: TimeSpan.FromMinutes(10));

        Assert.InRange(receipt.ExpiresOn - receipt.InsertedOn, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task Send_AtTheLimit_IsAcceptedAndOneByteMoreIsRefusedBeforeSending()
    {
        var queue = await CreateQueueAsync("limit");
        var atLimit = new byte[QueueClient.MaxMessageBytes / 4 * 3];
        Random.Shared.NextBytes(atLimit);

        await queue.SendMessageAsync(atLimit);
        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync(new byte[atLimit.Length + 1]));
        var stored = Assert.Single(await queue.PeekMessagesAsync(32));

        Assert.Equal(atLimit, stored.Body.ToArray());
        Assert.Contains("65536", tooLarge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateWithContent_ReplacesBodyAndNewReceiptDeletesIt()
    {
        var queue = await CreateQueueAsync("update");
        await queue.SendMessageAsync("v1"u8.ToArray());
        var received = Assert.Single(await queue.ReceiveMessagesAsync());

        var update = await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, "v2"u8.ToArray(), TimeSpan.Zero);
        var peeked = Assert.Single(await queue.PeekMessagesAsync());
        await queue.DeleteMessageAsync(received.MessageId, update.PopReceipt);
        var remaining = await queue.PeekMessagesAsync();

        Assert.NotEqual(received.PopReceipt, update.PopReceipt);
        Assert.Equal("v2", peeked.Body.ToString());
        Assert.Empty(remaining);
    }

    [Fact]
    public async Task UpdateWithoutContent_KeepsBodyAndDelaysVisibility()
    {
        var queue = await CreateQueueAsync("delay");
        await queue.SendMessageAsync("keep"u8.ToArray());
        var received = Assert.Single(await queue.ReceiveMessagesAsync());

        var update = await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, message: null, TimeSpan.FromMinutes(10));
        var visibleNow = await queue.ReceiveMessagesAsync();
        var peekedBodies = await queue.PeekMessagesAsync();

        Assert.Empty(visibleNow);
        Assert.Empty(peekedBodies);
        Assert.True(update.NextVisibleOn > DateTimeOffset.UtcNow.AddMinutes(9));
        Assert.Equal(1, (await queue.GetPropertiesAsync()).ApproximateMessagesCount);
    }

    [Fact]
    public async Task DeleteMessage_WithStalePopReceipt_FailsWithServiceErrorCode()
    {
        var queue = await CreateQueueAsync("stale");
        await queue.SendMessageAsync("x"u8.ToArray());
        var received = Assert.Single(await queue.ReceiveMessagesAsync());
        await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, null, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(received.MessageId, received.PopReceipt));

        Assert.Equal(400, error.Status);
        Assert.Equal("PopReceiptMismatch", error.ErrorCode);
    }

    [Fact]
    public async Task ClearMessages_EmptiesTheQueueAndCountDropsToZero()
    {
        var queue = await CreateQueueAsync("clear");
        for (var i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync(new[] { (byte)i });
        }

        var before = await queue.GetPropertiesAsync();
        await queue.ClearMessagesAsync();
        var after = await queue.GetPropertiesAsync();

        Assert.Equal(3, before.ApproximateMessagesCount);
        Assert.Equal(0, after.ApproximateMessagesCount);
        Assert.Empty(await queue.PeekMessagesAsync(32));
    }

    [Fact]
    public async Task Receive_Many_ReturnsAtMostTheRequestedNumber()
    {
        var queue = await CreateQueueAsync("many");
        for (var i = 0; i < 5; i++)
        {
            await queue.SendMessageAsync(new[] { (byte)i });
        }

        var batch = await queue.ReceiveMessagesAsync(maxMessages: 3);
        var rest = await queue.ReceiveMessagesAsync(maxMessages: 32);

        Assert.Equal(3, batch.Count);
        Assert.Equal(2, rest.Count);
    }

    [Fact]
    public async Task Operations_OnMissingQueue_FailWithQueueNotFound()
    {
        var queue = _service.GetQueueClient(UniqueNames.Queue("missing"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"u8.ToArray()));

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
        Assert.Contains("does not exist", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ListQueues_WithSmallPages_FollowsMarkersToTheEnd()
    {
        var prefix = UniqueNames.Queue("list");
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await _service.GetQueueClient(name).CreateIfNotExistsAsync();
        }

        var paged = await _service.ListQueuesAsync(prefix, pageSize: 2, CancellationToken.None);
        var unpaged = await _service.ListQueuesAsync(prefix);

        Assert.Equal(names, paged.Order(StringComparer.Ordinal));
        Assert.Equal(names, unpaged.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Receive_TextWrittenWithoutBase64_ExposesItsUtf8Bytes()
    {
        var queue = await CreateQueueAsync("plain");

        // Another writer (e.g. a tool configured for plain text) puts text that is not base64.
        await PutRawTextAsync(queue, "héllo, world!");
        var received = Assert.Single(await queue.ReceiveMessagesAsync());

        Assert.Equal("héllo, world!", received.MessageText);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo, world!"), received.Body.ToArray());
    }

    private async Task<QueueClient> CreateQueueAsync(string prefix)
    {
        var queue = _service.GetQueueClient(UniqueNames.Queue(prefix));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    // Put Message with literal (non-base64) text through the internal pipeline, as a plain-text writer would.
    private static async Task PutRawTextAsync(QueueClient queue, string text)
    {
        var pipeline = new StoragePipeline(
            StorageCredential.SharedKey(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey), null);
        var request = new StorageRequest(HttpMethod.Post, new Uri(queue.Uri + "/messages")).WithXmlBody(new System.Xml.Linq.XElement("QueueMessage", new System.Xml.Linq.XElement("MessageText", text)).ToString());
        await pipeline.SendAsync(request, CancellationToken.None);
    }
}
