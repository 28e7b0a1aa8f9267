using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Configuration;
using Webhooks.Storage;

namespace Webhooks.Core.Tests.Storage;

/// <summary>The <c>AzureWebJobsStorage</c> setting in its Functions forms, and the DI registration built on it.</summary>
public sealed class StorageConfigurationTests
{
    [Theory]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true", "http://127.0.0.1:10001/devstoreaccount1")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net", "https://acct.queue.core.windows.net/")]
    [InlineData("AzureWebJobsStorage:serviceUri", "https://acct.queue.core.windows.net/", "https://acct.queue.core.windows.net/")]
    [InlineData("AzureWebJobsStorage:accountName", "acct", "https://acct.queue.core.windows.net/")]
    public void FromConfiguration_EachForm_TargetsTheRightEndpoint(string key, string value, string expected)
    {
        var client = QueueServiceClient.FromConfiguration(Configuration((key, value)));

        Assert.Equal(new Uri(expected), client.Uri);
    }

    [Theory]
    [InlineData("managedidentity", null)]
    [InlineData("ManagedIdentity", "00000000-0000-0000-0000-000000000001")]
    [InlineData(null, null)]
    public void FromConfiguration_IdentityBased_BuildsWithoutCallingAzure(string? credential, string? clientId)
    {
        var configuration = Configuration(
            ("Storage:accountName", "acct"), ("Storage:credential", credential), ("Storage:clientId", clientId));

        var client = QueueServiceClient.FromConfiguration(configuration, "Storage");

        Assert.Equal("https://acct.queue.core.windows.net/orders", client.GetQueueClient("orders").Uri.AbsoluteUri);
    }

    [Fact]
    public void FromConfiguration_Missing_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => QueueServiceClient.FromConfiguration(Configuration(), "MyStorage"));

        Assert.Contains("'MyStorage' is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("MyStorage__queueServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "AccountName=acct;AccountKey=c2VjcmV0;Bogus", "not a usable connection string")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "http://acct.queue.core.windows.net", "absolute https URI")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "not a valid storage account name")]
    public void FromConfiguration_Unusable_ThrowsInvalidOperationWithoutEchoingSecrets(string key, string value, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => QueueServiceClient.FromConfiguration(Configuration((key, value))));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookStorage_WithoutTheSetting_DefaultsToDevelopmentStorageAndConfiguredQueueNames()
    {
        var configuration = Configuration(("Webhooks:Queues:Deliveries", "in-queue"));
        var services = new ServiceCollection();
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));

        services.AddWebhookStorage(configuration);
        using var provider = services.BuildServiceProvider();
        var queues = provider.GetRequiredService<WebhookQueues>();

        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), provider.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(["in-queue", "webhooks-deadletter", "in-queue-poison"], new[] { queues.Deliveries.Name, queues.DeadLetter.Name, queues.DeliveriesPoison.Name });
    }

    [Fact]
    public void AddWebhookStorage_KeepsAClientRegisteredBefore()
    {
        var mine = QueueServiceClient.FromConnectionString("AccountName=other;AccountKey=c2VjcmV0");
        var services = new ServiceCollection().AddSingleton(mine);

        services.AddWebhookStorage(Configuration());
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<QueueServiceClient>());
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("AzureWebJobsStorage", "AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.chinacloudapi.cn", "https://acct.blob.core.chinacloudapi.cn/")]
    [InlineData("AzureWebJobsStorage", "BlobEndpoint=https://blobs.example.net/;SharedAccessSignature=sv=2025&sig=x", "https://blobs.example.net/")]
    [InlineData("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net", "https://acct.blob.core.windows.net/")]
    [InlineData("AzureWebJobsStorage:accountName", "acct", "https://acct.blob.core.windows.net/")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net/", "https://acct.blob.core.windows.net/")]
    public void BlobFromConfiguration_EachForm_TargetsTheBlobEndpoint(string key, string value, string expected)
    {
        var client = BlobServiceClient.FromConfiguration(Configuration((key, value)));

        Assert.Equal(new Uri(expected), client.Uri);
    }

    [Fact]
    public void BlobFromConfiguration_QueueOnlyConnectionString_ThrowsNamingTheMissingEndpoint()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BlobServiceClient.FromConfiguration(
            Configuration(("AzureWebJobsStorage", "QueueEndpoint=https://q.example.net/;SharedAccessSignature=sv=1&sig=c2VjcmV0"))));

        Assert.Contains("no blob endpoint", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlobFromConfiguration_Missing_ThrowsNamingTheBlobSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BlobServiceClient.FromConfiguration(Configuration(), "MyStorage"));

        Assert.Contains("MyStorage__blobServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookStorage_RegistersBlobsAndThePayloadStoreInTheConfiguredContainer()
    {
        var configuration = Configuration(("Webhooks:Queues:Payloads", "my-payloads"), ("Webhooks:Queues:Count", "3"));
        var services = new ServiceCollection();
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));

        services.AddWebhookStorage(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), provider.GetRequiredService<BlobServiceClient>().Uri);
        Assert.Equal("my-payloads", provider.GetRequiredService<Webhooks.Payloads.PayloadStore>().Container.Name);
        var queues = provider.GetRequiredService<WebhookQueues>();
        Assert.Equal(["webhooks-deliveries", "webhooks-deliveries-1", "webhooks-deliveries-2"], queues.DeliveryQueues.Select(q => q.Name));
        Assert.Equal(["webhooks-deliveries-poison", "webhooks-deliveries-1-poison", "webhooks-deliveries-2-poison"], queues.PoisonQueues.Select(q => q.Name));
        Assert.Same(queues.DeliveryQueues[0], queues.Deliveries);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
