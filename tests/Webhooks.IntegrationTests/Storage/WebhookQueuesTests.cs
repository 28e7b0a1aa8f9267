using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Configuration;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>The app's queues and their DI registration, against a real Azurite.</summary>
public sealed class WebhookQueuesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task EnsureCreated_CreatesDeliveriesDeadLetterAndPoisonQueues()
    {
        var service = azurite.CreateQueueServiceClient();
        var prefix = UniqueNames.Queue("app");
        var queues = new WebhookQueues(service, new QueueNamesOptions { Deliveries = $"{prefix}-in", DeadLetter = $"{prefix}-dead" });

        await Task.WhenAll(queues.EnsureCreatedAsync(), queues.EnsureCreatedAsync());
        var listed = await service.ListQueuesAsync(prefix);

        Assert.Equal([$"{prefix}-dead", $"{prefix}-in", $"{prefix}-in-poison"], listed.Order(StringComparer.Ordinal));
        Assert.Equal($"{prefix}-in-poison", queues.DeliveriesPoison.Name);
    }

    [Fact]
    public async Task FindRetired_NamesQueuesBeyondTheCountThatHoldMessages_AndNothingElse()
    {
        var service = azurite.CreateQueueServiceClient();
        var prefix = UniqueNames.Queue("retired");
        var names = new QueueNamesOptions { Deliveries = $"{prefix}-in", DeadLetter = $"{prefix}-dead", Count = 2 };
        async Task Put(string queue, int messages)
        {
            var client = service.GetQueueClient(queue);
            await client.CreateIfNotExistsAsync();
            for (var i = 0; i < messages; i++)
            {
                await client.SendMessageAsync("left behind");
            }
        }

        await Put($"{prefix}-in-1", 1);        // active (Count 2): drained
        await Put($"{prefix}-in-1-poison", 1); // an active queue's poison queue: indexed as dead letters
        await Put($"{prefix}-in-2", 2);        // retired, with messages
        await Put($"{prefix}-in-3", 0);        // retired, empty
        await Put($"{prefix}-in-3-poison", 1); // a retired queue's poison queue, with a message
        await Put($"{prefix}-in-02", 1);       // not a name the app makes
        await Put($"{prefix}-in-other", 1);    // another queue sharing the prefix

        var found = await new WebhookQueues(service, names).FindRetiredWithMessagesAsync();

        Assert.Equal([($"{prefix}-in-2", 2), ($"{prefix}-in-3-poison", 1)], found.OrderBy(f => f.Queue, StringComparer.Ordinal));
    }

    [Fact]
    public async Task EnsureCreated_AfterAFailure_TriesAgainOnTheNextCall()
    {
        var prefix = UniqueNames.Queue("retry");
        var names = new QueueNamesOptions { Deliveries = $"{prefix}-in", DeadLetter = $"{prefix}-dead" };
        var unreachable = new QueueServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1",
            WebhookStorage.QueueOptions(TimeSpan.FromSeconds(3)));
        var failing = new WebhookQueues(unreachable, names);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => failing.EnsureCreatedAsync());
        Assert.True(StorageFailures.IsStorageFailure(error), error.ToString());

        var working = new WebhookQueues(azurite.CreateQueueServiceClient(), names);
        await working.EnsureCreatedAsync();

        Assert.Equal(3, (await azurite.CreateQueueServiceClient().ListQueuesAsync(prefix)).Count);
    }

    [Fact]
    public async Task AddWebhookStorage_ResolvesClientsFromTheConnectionSettingAndQueueOptions()
    {
        var prefix = UniqueNames.Queue("di");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = $"{prefix}-in",
            ["Webhooks:Queues:DeadLetter"] = $"{prefix}-dead",
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));
        services.AddWebhookStorage(configuration);
        await using var provider = services.BuildServiceProvider();

        var queues = provider.GetRequiredService<WebhookQueues>();
        await queues.EnsureCreatedAsync();
        await queues.Deliveries.SendMessageAsync("via di"u8.ToArray());

        Assert.Same(provider.GetRequiredService<QueueServiceClient>(), provider.GetRequiredService<QueueServiceClient>());
        Assert.Equal(azurite.QueueServiceUri, provider.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal("via di", Assert.Single((await queues.Deliveries.PeekMessagesAsync()).Value).Body.ToString());
    }

    private static int ClosedPort() => FreePorts.Take(1)[0];
}
