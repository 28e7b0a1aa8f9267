using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Configuration;
using Webhooks.IntegrationTests.Hosting;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Operations;

/// <summary><c>GET /api/health</c> of a host spreading deliveries over several queues, on real Azurite.</summary>
[Collection(OperationsCollection.Name)]
public sealed class MultiQueueHealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_ProbesEveryDeliveryQueue_AndIsHealthyWhenAllAnswer()
    {
        var names = Names();
        await new WebhookQueues(azurite.CreateQueueServiceClient(), names).EnsureCreatedAsync();
        await using var host = new WebhooksHostFactory(Settings(names));
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var queues = report.RootElement.GetProperty("queues");
        Assert.Equal(names.Deliveries, queues.GetProperty("deliveries").GetProperty("name").GetString());
        Assert.Equal(names.Deliveries + "-1", queues.GetProperty("deliveries1").GetProperty("name").GetString());
        Assert.Equal(names.Deliveries + "-2", queues.GetProperty("deliveries2").GetProperty("name").GetString());
        Assert.True(queues.GetProperty("deliveries2").GetProperty("reachable").GetBoolean());
        Assert.Equal(names.Deliveries + "-2-poison", queues.GetProperty("poison2").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(2)] // the last delivery queue
    [InlineData(-1)] // the dead-letter queue
    public async Task Health_WhenOneDeliveryQueueOrTheDeadLetterQueueIsUnreachable_Returns503(int brokenIndex)
    {
        var names = Names();
        var broken = brokenIndex < 0 ? names.DeadLetter : names.DeliveryQueueName(brokenIndex);
        await using var factory = new WebhooksHostFactory(Settings(names));
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton(new WebhookQueues(new OneQueueUnreachable(azurite, broken), names))));
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", report.RootElement.GetProperty("status").GetString());
        var probe = report.RootElement.GetProperty("queues").EnumerateObject().Single(p => p.Value.GetProperty("name").GetString() == broken).Value;
        Assert.False(probe.GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Health_AnUnreachablePoisonQueue_DoesNotMakeTheHostUnhealthy()
    {
        var names = Names();
        await new WebhookQueues(azurite.CreateQueueServiceClient(), names).EnsureCreatedAsync();
        await using var factory = new WebhooksHostFactory(Settings(names));
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton(new WebhookQueues(new OneQueueUnreachable(azurite, names.DeliveryQueueName(1) + WebhookQueues.PoisonSuffix), names))));
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AtStart_AQueueLeftBehindByALowerCount_IsNamedInAWarning()
    {
        var names = Names();
        var retired = azurite.CreateQueueServiceClient().GetQueueClient(names.DeliveryQueueName(3)); // Count is 3: queues 0–2
        await retired.CreateIfNotExistsAsync();
        await retired.SendMessageAsync("stranded");
        var logs = new Webhooks.IntegrationTests.FanOut.CapturedLogs();
        await using var factory = new WebhooksHostFactory(Settings(names));
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs)));
        using var client = host.CreateClient();

        var warnings = await Poll.UntilAsync(
            () => Task.FromResult(logs.Where("Webhooks.Hosting.QueueInitializer", "so intake no longer writes to it")),
            found => found.Count > 0);

        var warning = Assert.Single(warnings);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(retired.Name, warning.Fields["Queue"]);
        Assert.Equal(1, warning.Fields["Messages"]);
        Assert.Equal(3, warning.Fields["Count"]);
    }

    private static QueueNamesOptions Names() => new() { Deliveries = UniqueNames.Queue("health"), DeadLetter = UniqueNames.Queue("health-dlq"), Count = 3 };

    private Dictionary<string, string?> Settings(QueueNamesOptions names) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Webhooks:Queues:Deliveries"] = names.Deliveries,
        ["Webhooks:Queues:DeadLetter"] = names.DeadLetter,
        ["Webhooks:Queues:Count"] = "3",
        ["Webhooks:Delivery:Enabled"] = "false",
    };

    /// <summary>Real Azurite, except one queue whose client points at a closed loopback port (a transport failure).</summary>
    private sealed class OneQueueUnreachable(AzuriteFixture azurite, string brokenName)
        : QueueServiceClient(azurite.ConnectionString, WebhookStorage.QueueOptions(TimeSpan.FromSeconds(3)))
    {
        private readonly QueueServiceClient _closedPort = new(
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:1/{AzuriteFixture.AccountName}",
            WebhookStorage.QueueOptions(TimeSpan.FromSeconds(3)));

        public override QueueClient GetQueueClient(string queueName) =>
            queueName == brokenName ? _closedPort.GetQueueClient(queueName) : base.GetQueueClient(queueName);
    }
}
