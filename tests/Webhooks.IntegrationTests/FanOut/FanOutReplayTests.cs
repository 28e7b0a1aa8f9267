using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Delivery;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.IntegrationTests.Operations;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// Operating a fanned-out source through the real host (intake, hosted worker, admin API) on Azurite with three
/// loopback targets: a destination's dead letter names it, and replaying it calls that destination only.
/// </summary>
public sealed class FanOutReplayTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "admin-key-for-tests-0123456789";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ADestinationsDeadLetter_NamesIt_AndItsReplayCallsOnlyThatDestination()
    {
        await using var a = await ScriptedTarget.StartAsync();
        await using var b = await ScriptedTarget.StartAsync();
        await using var c = await ScriptedTarget.StartAsync();
        c.Enqueue(TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"customer":["Unknown customer."]}}"""));
        var deliveries = UniqueNames.Queue("fanreplay");
        await using var host = CreateHost(deliveries, ("a", a), ("b", b), ("c", c));
        using var client = host.CreateClient();
        const string body = "{\"type\":\"invoice.paid\",\"data\":{\"object\":{\"id\":\"in_1\"}}}";

        using var accepted = await client.SendAsync(SignedRequests.StandardWebhooks("shop", body, "evt_fan_1", DateTimeOffset.UtcNow));
        await a.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(30));
        await b.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(30));
        await c.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(30));
        var entry = await Poll.UntilAsync(async () => await ItemsAsync(client, "deadletters?destination=c"), items => items.Count > 0, Patience);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var item = Assert.Single(entry);
        Assert.Equal(("evt_fan_1", "c", 422), (item.GetProperty("id").GetString(), item.GetProperty("destination").GetString(), item.GetProperty("status").GetInt32()));
        Assert.Empty(await ItemsAsync(client, "deadletters?destination=a"));

        c.Default = TargetReply.Of(200);
        using var replay = await Admin(client, HttpMethod.Post, "deadletters/replay", """{"ids":["evt_fan_1"]}""");
        using (var result = await AdminCalls.JsonAsync(replay))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("c", Assert.Single(result.RootElement.GetProperty("items").EnumerateArray()).GetProperty("destination").GetString());
        }

        var calls = await c.WaitForAnsweredAsync(2, TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => DepthAsync(deliveries), depth => depth == 0, Patience); // a fan-out would have left copies for a and b here first

        Assert.Equal(2, calls.Count);
        Assert.Equal(Encoding.UTF8.GetBytes(body), calls[1].Body);
        Assert.Equal("evt_fan_1:c", calls[1].Header("Idempotency-Key"));
        Assert.Single(a.Requests);
        Assert.Single(b.Requests);
        Assert.Empty(await ItemsAsync(client, "deadletters"));
    }

    [Fact]
    public async Task ANamedDestinationsPause_IsResumedByItsName_AndAnUnknownOneIs404()
    {
        await using var a = await ScriptedTarget.StartAsync();
        await using var b = await ScriptedTarget.StartAsync();
        await using var host = CreateHost(UniqueNames.Queue("fanpause"), ("a", a), ("b", b));
        using var client = host.CreateClient();
        var pauses = host.Services.GetRequiredService<TargetPauseRegistry>();
        await pauses.PauseAsync("shop:b", "evt_1", "401 from the target", 401, CancellationToken.None);

        using var listed = await Admin(client, HttpMethod.Get, "targets");
        using var unknown = await Admin(client, HttpMethod.Post, "targets/shop/nowhere/resume");
        using var resumed = await Admin(client, HttpMethod.Post, "targets/shop/B/resume");

        using (var body = await AdminCalls.JsonAsync(listed))
        {
            // The pause key "shop:b" is shown as its two names.
            var paused = Assert.Single(body.RootElement.GetProperty("paused").EnumerateArray());
            Assert.Equal(("shop", "b"), (paused.GetProperty("source").GetString(), paused.GetProperty("destination").GetString()));
        }

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var problem = await AdminCalls.JsonAsync(unknown))
        {
            Assert.Equal("DESTINATION", problem.RootElement.GetProperty("metadata").GetProperty("entity").GetString());
        }

        using (var body = await AdminCalls.JsonAsync(resumed))
        {
            var answer = body.RootElement;
            Assert.Equal(("shop", "b", "shop:b", true), (answer.GetProperty("source").GetString(), answer.GetProperty("destination").GetString(), answer.GetProperty("target").GetString(), answer.GetProperty("resumed").GetBoolean()));
        }

        Assert.False(pauses.SeesPaused("shop:b"));
    }

    private WebhooksHostFactory CreateHost(string deliveries, params (string Name, ScriptedTarget Target)[] destinations)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = deliveries,
            ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
            ["Webhooks:Queues:Pauses"] = UniqueNames.Table("pauses"),
            ["Webhooks:Admin:ApiKeys:0"] = AdminKey,
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
            ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
            ["Webhooks:Delivery:BaseDelay"] = "00:00:00.100",
            ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
            ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
            ["Webhooks:Delivery:Jitter"] = "none",
        };
        foreach (var (name, target) in destinations)
        {
            settings[$"Webhooks:Sources:shop:Destinations:{name}:Url"] = target.Url.ToString();
        }

        return new WebhooksHostFactory(settings);
    }

    private async Task<long> DepthAsync(string queue) =>
        (await new QueueClient(azurite.ConnectionString, queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string path)
    {
        using var response = await Admin(client, HttpMethod.Get, path);
        using var page = await AdminCalls.JsonAsync(response);
        return [.. page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.Clone())];
    }

    private static Task<HttpResponseMessage> Admin(HttpClient client, HttpMethod method, string path, string? body = null) =>
        AdminCalls.SendAsync(client, AdminKey, method, path, body);
}
