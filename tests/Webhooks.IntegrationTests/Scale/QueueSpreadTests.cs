using System.Net;
using System.Text.Json;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Delivery;
using Webhooks.IntegrationTests.Hosting;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Scale;

/// <summary>More than one queue's throughput: intake spreads over N queues, the worker drains all of them.</summary>
public sealed class QueueSpreadTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ScaleHosts _hosts = new(azurite);
    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        var service = azurite.CreateQueueServiceClient();
        foreach (var name in await service.ListQueuesAsync(_hosts.Deliveries))
        {
            await service.GetQueueClient(name).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task FourQueues_AreAllFedRoundRobin_AndAllDrainedByOneWorker()
    {
        await using var intake = _hosts.Intake(queueCount: 4);
        using var client = intake.CreateClient();
        await using var delivery = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => _hosts.Configure(options, queueCount: 4));
        var ids = Enumerable.Range(0, 20).Select(i => $"msg_spread_{i}").ToList();

        foreach (var id in ids)
        {
            using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, $$"""{"n":"{{id}}"}""", id, DateTimeOffset.UtcNow));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var queues = delivery.Queues.DeliveryQueues;
        Assert.Equal([_hosts.Deliveries, _hosts.Deliveries + "-1", _hosts.Deliveries + "-2", _hosts.Deliveries + "-3"], queues.Select(q => q.Name));
        foreach (var queue in queues)
        {
            Assert.Equal(5, ((await queue.PeekMessagesAsync(32)).Value).Length);
        }

        using var worker = delivery.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var received = await _target.WaitForAnsweredAsync(20, Patience);
        foreach (var queue in queues)
        {
            await delivery.WaitUntilEmptyAsync(queue, Patience);
        }

        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(ids.Order(), received.Select(r => r.Header("Idempotency-Key")!).Order());
    }

    [Fact]
    public async Task WithAPartitionKey_DeliveriesWithTheSameKeyShareAQueue()
    {
        await using var intake = _hosts.Intake(queueCount: 4, partitionKey: "data.customer");
        using var client = intake.CreateClient();
        var customers = new[] { "cus_a", "cus_b", "cus_c" };

        for (var i = 0; i < 12; i++)
        {
            var customer = customers[i % customers.Length];
            var body = $$$"""{"type":"order","data":{"customer":"{{{customer}}}","n":{{{i}}}}}""";
            using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, $"msg_key_{i}", DateTimeOffset.UtcNow));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var service = azurite.CreateQueueServiceClient();
        var queueOf = new Dictionary<string, HashSet<string>>();
        for (var index = 0; index < 4; index++)
        {
            var name = index == 0 ? _hosts.Deliveries : $"{_hosts.Deliveries}-{index}";
            foreach (var message in (await service.GetQueueClient(name).PeekMessagesAsync(32)).Value)
            {
                var envelope = EnvelopeSerializer.Deserialize(message.Body.ToArray());
                using var body = JsonDocument.Parse(envelope.Body);
                var customer = body.RootElement.GetProperty("data").GetProperty("customer").GetString()!;
                Assert.Equal(customer, envelope.PartitionKey);
                (queueOf.TryGetValue(customer, out var seen) ? seen : queueOf[customer] = []).Add(name);
            }
        }

        Assert.Equal(customers.Order(), queueOf.Keys.Order());
        Assert.All(queueOf.Values, queuesUsed => Assert.Single(queuesUsed));
    }
}
