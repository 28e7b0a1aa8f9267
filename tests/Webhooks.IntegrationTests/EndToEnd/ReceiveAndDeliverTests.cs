using System.Net;
using System.Text;
using System.Text.Json;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.EndToEnd;

/// <summary>
/// The main job in one host: intake accepts a signed delivery, the hosted worker takes it off the real queue and
/// forwards it to a real loopback target, acting on the target's answers.
/// </summary>
public sealed class ReceiveAndDeliverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task SignedDelivery_IsAccepted_ThenDeliveredByteForByte_AfterTransientFailures()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Of(503), TargetReply.Of(500), TargetReply.Of(200));
        var deliveries = UniqueNames.Queue("e2e");
        await using var host = CreateHost(deliveries, target.Url);
        using var client = host.CreateClient();
        const string body = "{\"type\":\"member.created\",\"data\":{\"id\":7,\"email\":\"ada@example.com\"}}";

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks("gym", body, "msg_e2e_1", DateTimeOffset.UtcNow));
        var received = await target.WaitForAnsweredAsync(3, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.Equal(Encoding.UTF8.GetBytes(body), r.Body));
        Assert.All(received, r => Assert.Equal("msg_e2e_1", r.Header("Idempotency-Key")));
        Assert.All(received, r => Assert.StartsWith("application/json", r.Header("Content-Type")));

        // Delivered once more than it failed, and then gone from the queue.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(3, target.Requests.Count);
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(deliveries);
        Assert.Equal(0, ((await queue.GetPropertiesAsync()).Value).ApproximateMessagesCount);
    }

    [Fact]
    public async Task TargetRejecting422_DeadLettersAtOnce_WithItsFieldErrors()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."]}}"""));
        var deliveries = UniqueNames.Queue("e2e");
        await using var host = CreateHost(deliveries, target.Url);
        using var client = host.CreateClient();

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks("gym", "{\"type\":\"member.created\"}", "msg_e2e_422", DateTimeOffset.UtcNow));
        await target.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(20));
        // The host writes dead letters into the index table (docs/operations.md), not the dead-letter queue.
        var index = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString)
            .GetTableClient(Webhooks.DeadLetters.DeadLetterStore.IndexTableName(deliveries + "-dlq"));
        var records = await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await index.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "s-gym").Where(e => e.RowKey != "~counts").ToListAsync();
                }
                catch (Azure.RequestFailedException ex) when (ex.Status == 404)
                {
                    return [];
                }
            },
            r => r.Count > 0);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var record = JsonDocument.Parse(Assert.Single(records).GetString("Record"));
        Assert.Equal("targetRejected", record.RootElement.GetProperty("reason").GetString());
        Assert.Equal(422, record.RootElement.GetProperty("finalStatus").GetInt32());
        Assert.Equal("msg_e2e_422", record.RootElement.GetProperty("envelope").GetProperty("id").GetString());
        Assert.Equal(
            "The email must be a valid email address.",
            record.RootElement.GetProperty("error").GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Single(target.Requests);
    }

    private WebhooksHostFactory CreateHost(string deliveries, Uri targetUrl) => new(new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Webhooks:Queues:Deliveries"] = deliveries,
        ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
        ["Webhooks:Sources:gym:Verification"] = "standard-webhooks",
        ["Webhooks:Sources:gym:Secrets:0"] = SignedRequests.Secret,
        ["Webhooks:Sources:gym:Target:Url"] = targetUrl.ToString(),
        ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
        ["Webhooks:Delivery:BaseDelay"] = "00:00:00.100",
        ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
        ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
        ["Webhooks:Delivery:Jitter"] = "none",
    });
}
