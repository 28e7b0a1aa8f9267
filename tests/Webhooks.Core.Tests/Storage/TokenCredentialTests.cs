using System.Net;
using Azure.Core;
using Azure.Identity;
using Moq;
using Webhooks.Storage;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Storage;

/// <summary>Entra ID tokens: requested for the storage scope, cached until shortly before expiry.</summary>
public sealed class TokenCredentialTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly Mock<TokenCredential> _credential = new();
    private int _issued;

    public TokenCredentialTests()
    {
        _credential
            .Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new AccessToken($"token-{Interlocked.Increment(ref _issued)}", _time.GetUtcNow().AddHours(1)));
    }

    [Fact]
    public async Task TwoRequests_ShareOneTokenForTheStorageScope()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.NoContent);
        var queue = CreateQueue(handler);

        await queue.ClearMessagesAsync();
        await queue.ClearMessagesAsync();

        Assert.All(handler.Requests, r => Assert.Equal("Bearer token-1", r.Headers["Authorization"]));
        _credential.Verify(
            c => c.GetTokenAsync(It.Is<TokenRequestContext>(t => t.Scopes.SequenceEqual(new[] { "https://storage.azure.com/.default" })), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task NearExpiry_FetchesANewToken()
    {
        var handler = FakeStorageHandler.Answering(HttpStatusCode.NoContent);
        var queue = CreateQueue(handler);

        await queue.ClearMessagesAsync();
        _time.Advance(TimeSpan.FromMinutes(54));
        await queue.ClearMessagesAsync();
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await queue.ClearMessagesAsync();

        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], handler.Requests.Select(r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task ConcurrentRequests_WithAnEmptyCache_FetchOneToken()
    {
        var release = new TaskCompletionSource();
        _credential
            .Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return new AccessToken($"token-{Interlocked.Increment(ref _issued)}", _time.GetUtcNow().AddHours(1));
            });
        var queue = CreateQueue(FakeStorageHandler.Answering(HttpStatusCode.NoContent));

        var calls = Enumerable.Range(0, 8).Select(_ => queue.ClearMessagesAsync()).ToList();
        release.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(1, _issued);
    }

    [Fact]
    public async Task CredentialFailure_IsARequestFailedExceptionWithStatusZero()
    {
        _credential
            .Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CredentialUnavailableException("No managed identity endpoint."));
        var handler = FakeStorageHandler.Answering(HttpStatusCode.NoContent);
        var queue = CreateQueue(handler);

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.ClearMessagesAsync());

        Assert.Equal(0, error.Status);
        Assert.IsType<CredentialUnavailableException>(error.InnerException);
        Assert.Empty(handler.Requests);
    }

    private QueueClient CreateQueue(FakeStorageHandler handler) =>
        new QueueServiceClient(
            new Uri("https://acct.queue.core.windows.net/"),
            StorageCredential.Token(_credential.Object),
            new QueueClientOptions { HttpClient = new HttpClient(handler), TimeProvider = _time })
        .GetQueueClient("orders");
}
