using System.Net;
using System.Text;
using System.Text.Json;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Hosting;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Intake;

/// <summary>The real host with real Azurite: what a provider sees, and what lands on the queue.</summary>
public sealed class IntakeEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _deliveries = UniqueNames.Queue("intake");
    private WebhooksHostFactory _host = null!;
    private HttpClient _client = null!;
    private QueueClient _queue = null!;

    public Task InitializeAsync()
    {
        _host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = _deliveries,
            ["Webhooks:Queues:DeadLetter"] = _deliveries + "-dlq",
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Intake:QueueWriteTimeout"] = "00:00:02",
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = "whsec_dGhlLW9sZC1zZWNyZXQ=",
            ["Webhooks:Sources:shop:Secrets:1"] = SignedRequests.Secret,
            ["Webhooks:Sources:shop:Validation:RequiredFields:type"] = "string",
            ["Webhooks:Sources:shop:Target:Url"] = "http://127.0.0.1:9/unused",
            ["Webhooks:Sources:shop:MaxBodyBytes"] = "1048576",
            ["Webhooks:Sources:burst:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:burst:Secrets:0"] = SignedRequests.Secret,
            ["Webhooks:Sources:burst:RateLimit:PermitsPerSecond"] = "1",
            ["Webhooks:Sources:burst:RateLimit:Burst"] = "3",
        });
        _client = _host.CreateClient();
        _queue = azurite.CreateQueueServiceClient().GetQueueClient(_deliveries);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task SvixSignedDelivery_UnderSvixHeaderNames_Returns202_WithTheSvixIdAsTheDeliveryId()
    {
        const string body = "{\"type\":\"invoice.paid\"}";
        var id = "msg_" + Guid.NewGuid().ToString("N");
        using var request = SignedRequests.StandardWebhooks("shop", body, id, DateTimeOffset.UtcNow);
        foreach (var name in new[] { "id", "timestamp", "signature" })
        {
            request.Headers.TryAddWithoutValidation("svix-" + name, request.Headers.GetValues("webhook-" + name));
            request.Headers.Remove("webhook-" + name);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var envelope = EnvelopeSerializer.Deserialize(Assert.Single((await _queue.PeekMessagesAsync(32)).Value).Body.ToArray());
        Assert.Equal(id, envelope.Id);
        Assert.Equal(id, envelope.Headers["svix-id"]);
    }

    [Fact]
    public async Task SignedDelivery_Returns202_AndTheQueuedMessageDecodesToTheSameBytes()
    {
        const string body = "{\"type\":\"order.created\",\"data\":{\"name\":\"Zoë\",\"n\":1.50}}\n";
        var id = "msg_" + Guid.NewGuid().ToString("N");

        using var response = await _client.SendAsync(SignedRequests.StandardWebhooks("shop", body, id, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, answer.RootElement.GetProperty("id").GetString());

        var message = Assert.Single((await _queue.PeekMessagesAsync(32)).Value);
        var envelope = EnvelopeSerializer.Deserialize(message.Body.ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes(body), envelope.Body);
        Assert.Equal(id, envelope.Id);
        Assert.Equal("shop", envelope.Source);
        Assert.Equal("application/json", envelope.ContentType);
        Assert.Equal(0, envelope.Attempt);
        Assert.Equal(id, envelope.Headers["webhook-id"]);
        Assert.True(message.ExpiresOn is null || message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), "Deliveries must never expire.");
    }

    [Fact]
    public async Task BadSignature_Returns401ProblemJson_AndQueuesNothing()
    {
        using var response = await _client.SendAsync(SignedRequests.StandardWebhooks("shop", "{\"type\":\"x\"}", "msg_bad", DateTimeOffset.UtcNow, secret: "whsec_d3Jvbmc="));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalidSignature", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
        Assert.Empty(await PeekIfExistsAsync());
    }

    [Fact]
    public async Task StaleTimestamp_Returns401_TimestampOutOfWindow()
    {
        using var response = await _client.SendAsync(SignedRequests.StandardWebhooks("shop", "{\"type\":\"x\"}", "msg_old", DateTimeOffset.UtcNow.AddMinutes(-10)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("timestampOutOfWindow", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongMethodAndUnknownSource_AreAnsweredByTheRealRouting()
    {
        using var get = await _client.GetAsync("/api/webhooks/shop");
        using var unknown = await _client.PostAsync("/api/webhooks/nobody", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("POST", get.Content.Headers.Allow.Single());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"entity\":\"SOURCE\"", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BodyLargerThanTheSourceLimit_Returns413BeforeReading()
    {
        var big = "{\"type\":\"" + new string('x', 1_100_000) + "\"}";
        using var request = SignedRequests.StandardWebhooks("shop", big, "msg_big", DateTimeOffset.UtcNow);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("payloadTooLarge", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BurstOverTheRateLimit_Returns429_WithRetryAfter()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await _client.SendAsync(SignedRequests.StandardWebhooks("burst", "{\"n\":" + i + "}", $"burst_{i}_{Guid.NewGuid():N}", DateTimeOffset.UtcNow));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.NotNull(limited!.Headers.RetryAfter?.Delta);
        Assert.True(limited.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Health_ReportsTheQueuesReachable()
    {
        using var response = await _client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", report.RootElement.GetProperty("status").GetString());
        Assert.True(report.RootElement.GetProperty("queues").GetProperty("deliveries").GetProperty("reachable").GetBoolean());
    }

    private async Task<IReadOnlyList<PeekedMessage>> PeekIfExistsAsync()
    {
        await _queue.CreateIfNotExistsAsync();
        return (await _queue.PeekMessagesAsync(32)).Value;
    }
}
