using System.Net;
using System.Text;
using Webhooks.Storage;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Storage;

/// <summary>What the client puts on the wire for each operation, seen by an in-process fake service.</summary>
public sealed class QueueClientRequestTests
{
    private const string PutResponse =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>id-1</MessageId>" +
        "<InsertionTime>Thu, 01 Jan 2026 00:00:00 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>" +
        "<PopReceipt>pop-1</PopReceipt><TimeNextVisible>Thu, 01 Jan 2026 00:00:30 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>";

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Send_PostsBase64XmlWithVisibilityAndInfiniteTtl_AndReadsTheReceipt()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.Created, PutResponse);
        var queue = CreateQueue(handler);

        var receipt = await queue.SendMessageAsync("hello"u8.ToArray(), TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1/orders/messages?visibilitytimeout=30&messagettl=-1", request.Uri.AbsoluteUri);
        Assert.Equal("<QueueMessage><MessageText>aGVsbG8=</MessageText></QueueMessage>", request.Body);
        Assert.Equal(new SendReceipt("id-1", "pop-1", _time.GetUtcNow(), new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), _time.GetUtcNow().AddSeconds(30)), receipt);
    }

    [Fact]
    public async Task AnyRequest_CarriesVersionDateFromTimeProviderClientRequestIdAndSharedKey()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.NoContent);
        var queue = CreateQueue(handler);

        await queue.ClearMessagesAsync();

        var headers = Assert.Single(handler.Requests).Headers;
        Assert.Equal("2025-01-05", headers["x-ms-version"]);
        Assert.Equal("Thu, 01 Jan 2026 00:00:00 GMT", headers["x-ms-date"]);
        Assert.True(Guid.TryParse(headers["x-ms-client-request-id"], out _));
        Assert.StartsWith("SharedKey devstoreaccount1:", headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_OverTheLimit_ThrowsNamingTheLimitWithoutCallingTheService()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.Created, PutResponse);
        var queue = CreateQueue(handler);
        var tooLarge = new byte[(QueueClient.MaxMessageBytes / 4 * 3) + 1];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync(tooLarge));

        Assert.Equal("message", error.ParamName);
        Assert.Contains("65536 bytes (64 KiB)", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Send_AtTheLimit_PutsTheWholeBodyAsBase64XmlWithItsLengthAndType()
    {
        long? contentLength = null;
        string? contentType = null;
        var handler = new FakeStorageHandler((request, _) =>
        {
            contentLength = request.Content?.Headers.ContentLength;
            contentType = request.Content?.Headers.ContentType?.MediaType;
            return FakeStorageHandler.Answering(HttpStatusCode.Created, PutResponse).SendForTestAsync(request);
        });
        var queue = CreateQueue(handler);
        var largest = new byte[QueueClient.MaxMessageBytes / 4 * 3];
        new Random(7).NextBytes(largest);

        await queue.SendMessageAsync(largest);

        var body = Assert.Single(handler.Requests).Body!;
        var text = System.Xml.Linq.XElement.Parse(body).Element("MessageText")!.Value;
        Assert.Equal(QueueClient.MaxMessageBytes, text.Length);
        Assert.Equal(largest, Convert.FromBase64String(text));
        Assert.Equal(Encoding.UTF8.GetByteCount(body), contentLength);
        Assert.Equal("application/xml", contentType);
    }

    [Fact]
    public async Task Receive_DecodesBase64AndFallsBackToUtf8ForPlainText()
    {
        const string Response =
            "<QueueMessagesList>" +
            "<QueueMessage><MessageId>a</MessageId><PopReceipt>p</PopReceipt><DequeueCount>2</DequeueCount><MessageText>AAH/</MessageText></QueueMessage>" +
            "<QueueMessage><MessageId>b</MessageId><PopReceipt>q</PopReceipt><DequeueCount>1</DequeueCount><MessageText>plain &amp; simple</MessageText></QueueMessage>" +
            "</QueueMessagesList>";
        var handler = FakeStorageHandler.Answering(HttpStatusCode.OK, Response);
        var queue = CreateQueue(handler);

        var messages = await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromSeconds(1.2));

        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1/orders/messages?numofmessages=32&visibilitytimeout=2", Assert.Single(handler.Requests).Uri.AbsoluteUri);
        Assert.Equal(new byte[] { 0x00, 0x01, 0xFF }, messages[0].Body.ToArray());
        Assert.Equal(2, messages[0].DequeueCount);
        Assert.Equal("plain & simple", messages[1].MessageText);
        Assert.Equal(Encoding.UTF8.GetBytes("plain & simple"), messages[1].Body.ToArray());
    }

    [Fact]
    public async Task Peek_AsksForPeekOnly()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.OK, "<QueueMessagesList />");
        var queue = CreateQueue(handler);

        var peeked = await queue.PeekMessagesAsync(5);

        Assert.Empty(peeked);
        Assert.Equal("?peekonly=true&numofmessages=5", Assert.Single(handler.Requests).Uri.Query);
    }

    [Fact]
    public async Task Update_WithoutContent_SendsNoBodyAndReadsNewReceiptFromHeaders()
    {
        var handler = FakeStorageHandler.Answering(
            HttpStatusCode.NoContent, null, ("x-ms-popreceipt", "pop-2"), ("x-ms-time-next-visible", "Thu, 01 Jan 2026 00:01:00 GMT"));
        var queue = CreateQueue(handler);

        var receipt = await queue.UpdateMessageAsync("id/1", "pop 1", null, TimeSpan.FromMinutes(1));

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/devstoreaccount1/orders/messages/id%2F1", request.Uri.AbsolutePath);
        Assert.Equal("?popreceipt=pop%201&visibilitytimeout=60", request.Uri.Query);
        Assert.Equal(string.Empty, request.Body);
        Assert.Equal(new UpdateReceipt("pop-2", _time.GetUtcNow().AddMinutes(1)), receipt);
    }

    [Fact]
    public async Task GetProperties_ReadsApproximateCountAndMetadata()
    {
        var handler = FakeStorageHandler.Answering(
            HttpStatusCode.OK, null, ("x-ms-approximate-messages-count", "42"), ("x-ms-meta-owner", "webhooks"));
        var queue = CreateQueue(handler);

        var properties = await queue.GetPropertiesAsync();

        Assert.Equal("?comp=metadata", Assert.Single(handler.Requests).Uri.Query);
        Assert.Equal(42, properties.ApproximateMessagesCount);
        Assert.Equal("webhooks", properties.Metadata["owner"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task Receive_CountOutsideOneToThirtyTwo_ThrowsBeforeSending(int count)
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.OK, "<QueueMessagesList />");
        var queue = CreateQueue(handler);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(count));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task SasCredential_AppendsTheTokenToTheQueryAndSendsNoAuthorization()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.OK, "<QueueMessagesList />");
        var service = new QueueServiceClient(
            new Uri("https://acct.queue.core.windows.net"),
            StorageCredential.Sas("?sv=2024-11-04&sig=abc%3D"),
            new QueueClientOptions { HttpClient = new HttpClient(handler), TimeProvider = _time });

        await service.GetQueueClient("orders").PeekMessagesAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://acct.queue.core.windows.net/orders/messages?peekonly=true&numofmessages=1&sv=2024-11-04&sig=abc%3D", request.Uri.AbsoluteUri);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    private QueueClient CreateQueue(FakeStorageHandler handler) =>
        QueueServiceClient.FromConnectionString("UseDevelopmentStorage=true", new QueueClientOptions { HttpClient = new HttpClient(handler), TimeProvider = _time })
            .GetQueueClient("orders");
}
