using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Webhooks.AzureStorage;
using Webhooks.Configuration;

namespace Webhooks.Core.Tests.AzureStorage;

/// <summary>The <c>AzureWebJobsStorage</c> setting in its Functions forms, resolved once for queues and blobs, and the DI registration built on it.</summary>
public sealed class StorageConnectionTests
{
    [Theory]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true", "http://127.0.0.1:10001/devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.chinacloudapi.cn", "https://acct.queue.core.chinacloudapi.cn/", "https://acct.blob.core.chinacloudapi.cn/")]
    [InlineData("AzureWebJobsStorage:accountName", "acct", "https://acct.queue.core.windows.net/", "https://acct.blob.core.windows.net/")]
    public void Resolve_EachForm_TargetsTheQueueAndBlobEndpoints(string key, string value, string queueEndpoint, string blobEndpoint)
    {
        var connection = Resolve(Configuration((key, value)));

        Assert.Equal(new Uri(queueEndpoint), connection.CreateQueueServiceClient(new QueueClientOptions()).Uri);
        Assert.Equal(new Uri(blobEndpoint), connection.CreateBlobServiceClient(new BlobClientOptions()).Uri);
    }

    [Fact]
    public void Resolve_ServiceUris_AreUsedAsGiven()
    {
        var connection = Resolve(Configuration(
            ("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.True(connection.IsIdentityBased);
        Assert.Equal("https://acct.queue.core.windows.net/orders", connection.CreateQueueServiceClient(new QueueClientOptions()).GetQueueClient("orders").Uri.AbsoluteUri);
        Assert.Equal("https://acct.blob.core.windows.net/", connection.CreateBlobServiceClient(new BlobClientOptions()).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true", "http://127.0.0.1:10002/devstoreaccount1")]
    [InlineData("AzureWebJobsStorage:accountName", "acct", "https://acct.table.core.windows.net/")]
    [InlineData("AzureWebJobsStorage:tableServiceUri", "https://acct.table.core.windows.net", "https://acct.table.core.windows.net/")]
    public void TableClient_FollowsTheSameSetting(string key, string value, string tableEndpoint)
    {
        var settings = key.EndsWith("tableServiceUri", StringComparison.Ordinal)
            ? Configuration((key, value), ("AzureWebJobsStorage:accountName", "other"))
            : Configuration((key, value));

        var tables = Resolve(settings).CreateTableServiceClient(new TableClientOptions());

        Assert.Equal(new Uri(tableEndpoint), tables.Uri);
    }

    [Fact]
    public void TableClient_WithIdentityKeysButNoTableEndpoint_FailsNamingTheSetting()
    {
        var connection = Resolve(Configuration(
            ("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net")));

        var error = Assert.Throws<StorageSettingException>(() => connection.CreateTableServiceClient(new TableClientOptions()));

        Assert.Contains("AzureWebJobsStorage__tableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTableServiceClient_TableEndpointGiven_IsUsedAsGiven()
    {
        var connection = Resolve(Configuration(
            ("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("AzureWebJobsStorage:tableServiceUri", "https://other.table.core.windows.net"),
            ("AzureWebJobsStorage:credential", "managedidentity")));

        Assert.Equal("https://other.table.core.windows.net/", connection.CreateTableServiceClient(new Azure.Data.Tables.TableClientOptions()).Uri.AbsoluteUri);
    }

    [Fact]
    public void Resolve_Absent_IsDevelopmentStorage()
    {
        var connection = Resolve(Configuration());

        Assert.False(connection.IsIdentityBased);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.CreateQueueServiceClient(new QueueClientOptions()).Uri);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "http://acct.queue.core.windows.net", "AzureWebJobsStorage__queueServiceUri' must be an absolute https URI")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "AzureWebJobsStorage__accountName' is not a valid storage account name")]
    [InlineData("AzureWebJobsStorage:credential", "managedidentity", "has identity-based keys but no queue endpoint: set AzureWebJobsStorage__queueServiceUri or AzureWebJobsStorage__accountName")]
    public void Resolve_UnusableIdentitySettings_FailNamingTheSetting(string key, string value, string reason)
    {
        var error = Assert.Throws<StorageSettingException>(() => Resolve(Configuration((key, value))));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void CreateClient_UnusableConnectionString_FailsNamingTheSettingWithoutEchoingIt()
    {
        var connection = Resolve(Configuration(("AzureWebJobsStorage", "AccountName=acct;AccountKey=c2VjcmV0;Bogus")));

        var error = Assert.Throws<StorageSettingException>(() => connection.CreateQueueServiceClient(new QueueClientOptions()));

        Assert.Contains("'AzureWebJobsStorage' is not a usable connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WithUnusableSetting_StopsAtStartNamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("AzureWebJobsStorage:queueServiceUri", "not a uri")]);
        builder.Services.AddOptions<WebhooksOptions>();
        builder.Services.AddWebhookStorage(builder.Configuration);
        builder.Services.AddHostedService<NeedsQueues>();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<StorageSettingException>(() => host.StartAsync());

        Assert.Contains("AzureWebJobsStorage__queueServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookStorage_WithoutTheSetting_DefaultsToDevelopmentStorageAndConfiguredNames()
    {
        var configuration = Configuration(("Webhooks:Queues:Deliveries", "in-queue"), ("Webhooks:Queues:Payloads", "my-payloads"), ("Webhooks:Queues:Count", "2"));
        var services = new ServiceCollection();
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));

        services.AddWebhookStorage(configuration);
        using var provider = services.BuildServiceProvider();
        var queues = provider.GetRequiredService<WebhookQueues>();

        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), provider.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), provider.GetRequiredService<BlobServiceClient>().Uri);
        Assert.Equal("my-payloads", provider.GetRequiredService<Webhooks.Payloads.PayloadStore>().Container.Name);
        Assert.Equal(["in-queue", "in-queue-1"], queues.DeliveryQueues.Select(q => q.Name));
        Assert.Equal(["in-queue-poison", "in-queue-1-poison"], queues.PoisonQueues.Select(q => q.Name));
        Assert.Equal("webhooks-deadletter", queues.DeadLetter.Name);
        Assert.Same(queues.PoisonQueues[1], queues.PoisonQueueOf("in-queue-1"));
    }

    [Fact]
    public void AddWebhookStorage_KeepsAClientRegisteredBefore()
    {
        var mine = new QueueServiceClient("UseDevelopmentStorage=true");
        var services = new ServiceCollection().AddSingleton(mine);

        services.AddWebhookStorage(Configuration());
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<QueueServiceClient>());
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("webhooks-deliveries-poison", true)]
    [InlineData("ab", false)]
    [InlineData("Uppercase", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    [InlineData("double--hyphen", false)]
    [InlineData("under_score", false)]
    [InlineData(null, false)]
    public void QueueNames_FollowTheServiceNamingRules(string? name, bool valid)
    {
        Assert.Equal(valid, StorageNames.IsValidQueueName(name));
    }

    [Fact]
    public void WebhookQueues_InvalidName_ThrowsBeforeAnyCall()
    {
        Assert.Throws<ArgumentException>(() => new WebhookQueues(new QueueServiceClient("UseDevelopmentStorage=true"), new QueueNamesOptions { DeadLetter = "Bad_Name" }));
    }

    private static StorageConnection Resolve(IConfiguration configuration) =>
        StorageConnection.Resolve(configuration, StorageConnection.StandaloneFactory());

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class NeedsQueues(WebhookQueues queues) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(queues);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
