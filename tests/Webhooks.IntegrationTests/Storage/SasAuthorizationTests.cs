using Azure;
using Webhooks.Storage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>SAS connection strings against Azurite's account SAS validation.</summary>
public sealed class SasAuthorizationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task SasConnectionString_CanCreateSendAndReceive()
    {
        var sas = AccountSas.ForQueues(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey, DateTimeOffset.UtcNow.AddHours(1));
        var service = QueueServiceClient.FromConnectionString($"QueueEndpoint={azurite.QueueServiceUri};SharedAccessSignature={sas}");
        var queue = service.GetQueueClient(UniqueNames.Queue("sas"));

        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("signed"u8.ToArray());
        var received = Assert.Single(await queue.ReceiveMessagesAsync());
        await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);

        Assert.Equal("signed", received.Body.ToString());
        Assert.Contains(queue.Name, await service.ListQueuesAsync(queue.Name));
    }

    [Fact]
    public async Task SasSignedWithAnotherKey_IsRefusedWith403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var sas = AccountSas.ForQueues(StorageConnectionString.DevelopmentAccountName, wrongKey, DateTimeOffset.UtcNow.AddHours(1));
        var service = QueueServiceClient.FromConnectionString($"QueueEndpoint={azurite.QueueServiceUri};SharedAccessSignature={sas}");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.GetQueueClient(UniqueNames.Queue("sas")).CreateIfNotExistsAsync());

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
    }

    [Fact]
    public async Task SharedKeyWithAnotherKey_IsRefusedWith403()
    {
        var service = QueueServiceClient.FromConnectionString(
            $"AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};QueueEndpoint={azurite.QueueServiceUri}");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.ListQueuesAsync());

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
    }
}
