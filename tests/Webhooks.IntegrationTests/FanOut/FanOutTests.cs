using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// Fan-out through the real Kestrel host, Azurite and three loopback targets: one source, three destinations, each
/// with its own filter, answers and dead letters.
/// </summary>
public sealed class FanOutTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string ContentType = "application/json; charset=utf-8";

    private static readonly (string Id, string Body)[] Deliveries =
    [
        ("evt_inv_paid", """{"type":"invoice.paid","data":{"object":{"id":"in_1","amount_paid":1250}}}"""),
        ("evt_cus_new", """{"type":"customer.created","data":{"object":{"id":"cus_1","email":"ada@example.com"}}}"""),
        ("evt_inv_final", """{"type":"invoice.finalized","data":{"object":{"id":"in_2","note":"caf\u00e9 \u2603"}}}"""),
        ("evt_charge", """{"type":"charge.succeeded","data":{"object":{"id":"ch_1"}}}"""),
    ];

    [Fact]
    public async Task ThreeDestinations_EachReceiveExactlyWhatTheirFilterSelects_AndFailIndependently()
    {
        await using var billing = await ScriptedTarget.StartAsync(); // 200
        await using var audit = await ScriptedTarget.StartAsync(); // 503 once, then 200; takes everything
        await using var crm = await ScriptedTarget.StartAsync(); // 422
        audit.Enqueue(TargetReply.Of(503));
        crm.Default = TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"email":["taken"]}}""");
        var queue = UniqueNames.Queue("fanout");
        await using var host = CreateHost(queue, new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Destinations:billing:Url"] = billing.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:billing:Filter:type"] = "invoice.*",
            ["Webhooks:Sources:shop:Destinations:audit:Url"] = audit.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:crm:Url"] = crm.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:crm:Filter:type"] = "invoice.*",
        });
        using var client = host.CreateClient();

        foreach (var (id, body) in Deliveries)
        {
            using var response = await client.SendAsync(Signed(id, body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var toBilling = await billing.WaitForAnsweredAsync(2, TimeSpan.FromSeconds(30));
        var toCrm = await crm.WaitForAnsweredAsync(2, TimeSpan.FromSeconds(30));
        var toAudit = await audit.WaitForAnsweredAsync(5, TimeSpan.FromSeconds(30));
        var deadLetters = await DeadLettersAsync(queue, expected: 2);
        await WaitForEmptyAsync(queue);

        // Each target: exactly the deliveries its filter selects, byte for byte, with its own Idempotency-Key.
        AssertReceived(billing.Requests, "billing", ["evt_inv_paid", "evt_inv_final"]);
        AssertReceived(crm.Requests, "crm", ["evt_inv_paid", "evt_inv_final"]);
        AssertReceived(audit.Requests.Where(r => r.Reply.Status == 200).ToList(), "audit", [.. Deliveries.Select(d => d.Id)]);
        Assert.Single(audit.Requests, r => r.Reply.Status == 503);

        // billing was called once per delivery: audit's 503 and crm's 422 changed nothing there.
        Assert.Equal(2, toBilling.Count);
        Assert.Equal(2, toCrm.Count);
        Assert.Equal(5, toAudit.Count);

        // crm's 422s are dead letters naming crm; nobody else dead-lettered.
        Assert.All(deadLetters, record =>
        {
            Assert.Equal("targetRejected", record.GetProperty("reason").GetString());
            Assert.Equal(422, record.GetProperty("finalStatus").GetInt32());
            Assert.Equal("crm", record.GetProperty("envelope").GetProperty("destination").GetString());
        });
        Assert.Equal(["evt_inv_final", "evt_inv_paid"], deadLetters.Select(r => r.GetProperty("envelope").GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task DeliveryMatchingNoDestination_IsAcknowledgedAndCounted_NotDeadLettered()
    {
        await using var sink = await ScriptedTarget.StartAsync();
        var queue = UniqueNames.Queue("fanout");
        await using var host = CreateHost(queue, new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Destinations:sink:Url"] = sink.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:sink:Filter:header:X-Kind"] = "ledger", // bound from configuration as header:X-Kind
        });
        using var unmatched = new UnmatchedCounter("shop");
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Signed("evt_nobody", """{"type":"invoice.paid"}"""));
        await unmatched.WaitAsync(1, TimeSpan.FromSeconds(30));
        await WaitForEmptyAsync(queue);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(sink.Requests);
        Assert.Empty(await DeadLettersAsync(queue, expected: 0));
    }

    [Fact]
    public async Task OneDestinationsAccountLevelAnswer_PausesOnlyIt()
    {
        await using var billing = await ScriptedTarget.StartAsync();
        await using var audit = await ScriptedTarget.StartAsync();
        billing.Default = TargetReply.Of(401);
        var queue = UniqueNames.Queue("fanout");
        await using var host = CreateHost(queue, new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Destinations:billing:Url"] = billing.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:audit:Url"] = audit.Url.ToString(),
            ["Webhooks:Queues:Pauses"] = "p" + queue.Replace("-", string.Empty, StringComparison.Ordinal)[..20],
        });
        using var client = host.CreateClient();

        // The first delivery pauses billing; the next two arrive once it is paused (copies already in flight when a
        // pause begins still make their call).
        using (var first = await client.SendAsync(Signed(Deliveries[0].Id, Deliveries[0].Body)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await billing.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(30));
        foreach (var (id, body) in Deliveries.Skip(1).Take(2))
        {
            using var response = await client.SendAsync(Signed(id, body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await audit.WaitForAnsweredAsync(3, TimeSpan.FromSeconds(30));
        var pauses = host.Services.GetRequiredService<Webhooks.Delivery.TargetPauseRegistry>();
        var pause = await Poll.UntilAsync(async () => await pauses.SnapshotAsync(CancellationToken.None), p => p.Count == 1 && p[0].Held == 3);

        // billing's three copies: one called (401, pausing it), two held without a call; audit untouched by it.
        var only = Assert.Single(pause);
        Assert.Equal(("shop", "billing", 401, 3L), (only.Source, only.Destination, only.Status, only.Held));
        Assert.Single(billing.Requests);
        AssertReceived(audit.Requests, "audit", ["evt_inv_paid", "evt_cus_new", "evt_inv_final"]);
        Assert.Empty(await DeadLettersAsync(queue, expected: 0));
    }

    private static void AssertReceived(IReadOnlyList<ReceivedRequest> requests, string destination, string[] ids)
    {
        Assert.Equal(ids.Order(), requests.Select(r => r.Header("Idempotency-Key")!.Split(':')[0]).Order());
        foreach (var request in requests)
        {
            var id = request.Header("Idempotency-Key")!.Split(':')[0];
            Assert.Equal($"{id}:{destination}", request.Header("Idempotency-Key"));
            Assert.Equal(Encoding.UTF8.GetBytes(Deliveries.Single(d => d.Id == id).Body), request.Body);
            Assert.Equal(ContentType, request.Header("Content-Type"));
        }
    }

    private static HttpRequestMessage Signed(string id, string body)
    {
        var request = SignedRequests.StandardWebhooks("shop", body, id, DateTimeOffset.UtcNow);
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        return request;
    }

    private async Task<List<JsonElement>> DeadLettersAsync(string queue, int expected)
    {
        var index = new TableServiceClient(azurite.ConnectionString).GetTableClient(Webhooks.DeadLetters.DeadLetterStore.IndexTableName(queue + "-dlq"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            List<TableEntity> rows;
            try
            {
                rows = await index.QueryAsync<TableEntity>(e => e.PartitionKey == "s-shop").Where(e => e.RowKey != "~counts").ToListAsync();
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                rows = [];
            }

            if (rows.Count >= expected || DateTime.UtcNow > deadline)
            {
                return [.. rows.Select(r => JsonDocument.Parse(r.GetString("Record")).RootElement.Clone())];
            }

            await Task.Delay(100);
        }
    }

    private async Task WaitForEmptyAsync(string queue)
    {
        var client = azurite.CreateQueueServiceClient().GetQueueClient(queue);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await client.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"queue {queue} did not drain");
            await Task.Delay(100);
        }
    }

    private WebhooksHostFactory CreateHost(string deliveries, Dictionary<string, string?> destinations)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = deliveries,
            ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
            ["Webhooks:Queues:Payloads"] = deliveries + "-payloads", // duplicate detection per test: the delivery ids repeat
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
            ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
            ["Webhooks:Delivery:BaseDelay"] = "00:00:00.100",
            ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
            ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
            ["Webhooks:Delivery:Jitter"] = "none",
        };
        foreach (var (key, value) in destinations)
        {
            settings[key] = value;
        }

        return new WebhooksHostFactory(settings);
    }

    /// <summary>Counts <c>webhooks.deliveries.unmatched</c> for one source, from any meter in this process.</summary>
    private sealed class UnmatchedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _source;
        private int _count;

        public UnmatchedCounter(string source)
        {
            _source = source;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "webhooks.deliveries.unmatched")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "source" && (string?)tag.Value == _source)
                    {
                        Interlocked.Add(ref _count, (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public async Task WaitAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _count) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"webhooks.deliveries.unmatched for {_source} stayed at {_count}");
                await Task.Delay(50);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
