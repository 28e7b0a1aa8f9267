using System.Diagnostics;
using System.Net;
using Azure;
using Webhooks.Storage;

namespace Webhooks.Core.Tests.Storage;

/// <summary>How service errors, timeouts and transport failures surface.</summary>
public sealed class StorageErrorTests
{
    [Fact]
    public async Task ServiceError_BecomesRequestFailedExceptionWithStatusCodeAndMessage()
    {
        const string Body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>QueueNotFound</Code><Message>The specified queue does not exist.\nRequestId:1</Message></Error>";
        var queue = CreateQueue(FakeStorageHandler.Answering(HttpStatusCode.NotFound, Body, ("x-ms-error-code", "QueueNotFound")));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.PeekMessagesAsync());

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
        Assert.Contains("The specified queue does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Contains("GET /devstoreaccount1/orders/messages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceError_WithoutHeader_TakesTheCodeFromTheBody()
    {
        const string Body = "<Error><Code>ServerBusy</Code><Message>Busy.</Message></Error>";
        var queue = CreateQueue(FakeStorageHandler.Answering(HttpStatusCode.ServiceUnavailable, Body));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.ClearMessagesAsync());

        Assert.Equal(503, error.Status);
        Assert.Equal("ServerBusy", error.ErrorCode);
    }

    [Fact]
    public async Task ServiceError_WithUnreadableBody_StillCarriesTheStatus()
    {
        var queue = CreateQueue(FakeStorageHandler.Answering(HttpStatusCode.InternalServerError, "<html>oops"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.ClearMessagesAsync());

        Assert.Equal(500, error.Status);
        Assert.Null(error.ErrorCode);
    }

    [Fact]
    public async Task SuccessWithMalformedXml_IsARequestFailedExceptionNotAnXmlException()
    {
        var queue = CreateQueue(FakeStorageHandler.Answering(HttpStatusCode.OK, "<QueueMessagesList><QueueMessage>"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.PeekMessagesAsync());

        Assert.Equal(200, error.Status);
    }

    [Fact]
    public async Task HangingService_FailsWithStatusZeroAfterTheNetworkTimeout()
    {
        var handler = new FakeStorageHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var queue = CreateQueue(handler, TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.ClearMessagesAsync());

        Assert.Equal(0, error.Status);
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TransportFailure_FailsWithStatusZeroAndTheInnerException()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:1)");
        var queue = CreateQueue(new FakeStorageHandler((_, _) => throw refused));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"u8.ToArray()));

        Assert.Equal(0, error.Status);
        Assert.Same(refused, error.InnerException);
    }

    [Fact]
    public async Task CallerCancellation_IsStillAnOperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new FakeStorageHandler(async (_, ct) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var queue = CreateQueue(handler, TimeSpan.FromSeconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.ClearMessagesAsync(cancel.Token));
    }

    [Fact]
    public async Task ErrorMessages_NeverContainTheSasToken()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.Forbidden, "<Error><Code>AuthenticationFailed</Code><Message>Nope.</Message></Error>");
        var service = new QueueServiceClient(
            new Uri("https://acct.queue.core.windows.net"),
            StorageCredential.Sas("sv=2024-11-04&sig=SECRETSIG"),
            new QueueClientOptions { HttpClient = new HttpClient(handler) });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.GetQueueClient("orders").ClearMessagesAsync());

        Assert.Equal(403, error.Status);
        Assert.DoesNotContain("SECRETSIG", error.Message, StringComparison.Ordinal);
    }

    private static QueueClient CreateQueue(HttpMessageHandler handler, TimeSpan? timeout = null) =>
        new(
            new Uri("http://127.0.0.1:10001/devstoreaccount1/orders"),
            StorageCredential.SharedKey(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey),
            new QueueClientOptions { HttpClient = new HttpClient(handler), NetworkTimeout = timeout ?? TimeSpan.FromSeconds(10) });
}
