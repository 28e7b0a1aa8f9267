using Azure;
using Azure.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using Microsoft.Extensions.Configuration;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>SAS and account-key connection strings, resolved as the app resolves <c>AzureWebJobsStorage</c>, against Azurite's validation.</summary>
public sealed class SasAuthorizationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task SasConnectionString_CanCreateSendAndReceive()
    {
        var service = Service($"QueueEndpoint={azurite.QueueServiceUri};SharedAccessSignature={Sas(AzuriteFixture.AccountKey)}");
        var queue = service.GetQueueClient(UniqueNames.Queue("sas"));

        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(new BinaryData("signed"u8.ToArray()));
        var received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);

        Assert.Equal("signed", received.Body.ToString());
    }

    [Fact]
    public async Task SasSignedWithAnotherKey_IsRefusedWith403()
    {
        var service = Service($"QueueEndpoint={azurite.QueueServiceUri};SharedAccessSignature={Sas(Convert.ToBase64String(new byte[64]))}");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.GetQueueClient(UniqueNames.Queue("sas")).CreateIfNotExistsAsync());

        Assert.Equal(403, error.Status);
        Assert.True(StorageFailures.IsDefiniteRefusal(error));
    }

    [Fact]
    public async Task SharedKeyWithAnotherKey_IsRefusedWith403()
    {
        var service = Service($"AccountName={AzuriteFixture.AccountName};AccountKey={Convert.ToBase64String(new byte[64])};QueueEndpoint={azurite.QueueServiceUri}");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.GetQueueClient(UniqueNames.Queue("key")).CreateIfNotExistsAsync());

        Assert.Equal(403, error.Status);
    }

    private static QueueServiceClient Service(string connectionString) =>
        StorageConnection.Resolve(
                new ConfigurationBuilder().AddInMemoryCollection([new(StorageConnection.SettingName, connectionString)]).Build(),
                StorageConnection.StandaloneFactory())
            .CreateQueueServiceClient(WebhookStorage.QueueOptions(TimeSpan.FromSeconds(10)));

    private static string Sas(string accountKey) =>
        new AccountSasBuilder(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.Queues, AccountSasResourceTypes.All)
            .ToSasQueryParameters(new StorageSharedKeyCredential(AzuriteFixture.AccountName, accountKey))
            .ToString();
}
