using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Intake;

/// <summary>
/// Storage that accepts connections and never answers: intake still answers 503 <c>queueUnavailable</c> with
/// Retry-After within <c>QueueWriteTimeout</c> (not after the SDK's 100 s network timeout), small and large bodies alike.
/// </summary>
public sealed class IntakeStalledStorageTests : IAsyncLifetime
{
    private readonly BlackHoleListener _stalled = new();
    private WebhooksHostFactory _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var account = AzuriteFixture.AccountName;
        _host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] =
                $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={AzuriteFixture.AccountKey};" +
                $"QueueEndpoint=http://127.0.0.1:{_stalled.Port}/{account};BlobEndpoint=http://127.0.0.1:{_stalled.Port}/{account}",
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Intake:QueueWriteTimeout"] = "00:00:02",
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
        });
        _client = _host.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(90);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _stalled.DisposeAsync();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public async Task StorageThatNeverAnswers_Is503QueueUnavailableWithinTheBudget(int bodyBytes)
    {
        var body = "{\"pad\":\"" + new string('x', bodyBytes) + "\"}";
        var clock = Stopwatch.StartNew();

        using var response = await _client.SendAsync(SignedRequests.StandardWebhooks("shop", body, "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow));
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("queueUnavailable", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.True(_stalled.Accepted >= 1, "The request never reached the stalled endpoint.");
        // Each write is bounded by the 2 s budget (dedup claim, blob, queue); far from the SDK's 100 s per try.
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"Answering took {elapsed}.");
    }
}
