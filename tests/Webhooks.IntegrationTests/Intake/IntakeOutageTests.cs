using System.Net;
using System.Text.Json;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Intake;

/// <summary>Storage down: the provider is told 503 with Retry-After, and nothing is acknowledged or queued.</summary>
public sealed class IntakeOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task AzuriteStopped_Returns503WithRetryAfter_AndNothingIsQueued_ThenRecovers()
    {
        var deliveries = UniqueNames.Queue("outage");
        await using var host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = deliveries,
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Intake:QueueWriteTimeout"] = "00:00:03",
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
        });
        using var client = host.CreateClient();
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(deliveries);
        using (var first = await client.SendAsync(SignedRequests.StandardWebhooks("shop", "{\"n\":1}", "before", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await azurite.StopAsync();
        HttpResponseMessage during;
        HttpResponseMessage health;
        try
        {
            during = await client.SendAsync(SignedRequests.StandardWebhooks("shop", "{\"n\":2}", "during", DateTimeOffset.UtcNow));
            health = await client.GetAsync("/api/health");
        }
        finally
        {
            await azurite.StartAsync();
        }

        using var after = await client.SendAsync(SignedRequests.StandardWebhooks("shop", "{\"n\":3}", "after", DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), during.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await during.Content.ReadAsStringAsync());
        Assert.Equal("queueUnavailable", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);

        var ids = ((await queue.PeekMessagesAsync(32)).Value).Select(m => JsonDocument.Parse(m.Body.ToArray()).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(["before", "after"], ids);
    }
}
