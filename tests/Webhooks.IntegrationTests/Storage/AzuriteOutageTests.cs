using System.Diagnostics;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>An emulator outage, on a private Azurite so no other test sees it stop.</summary>
public sealed class AzuriteOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Send_WhileAzuriteStopped_FailsAsAStorageFailureWithinTheBudget_AndDataSurvivesRestart()
    {
        var budget = TimeSpan.FromSeconds(3);
        var queue = azurite.CreateQueueServiceClient(WebhookStorage.QueueOptions(budget)).GetQueueClient(UniqueNames.Queue("outage"));
        await queue.CreateIfNotExistsAsync();
        var before = await queue.SendMessageAsync("kept"u8.ToArray());

        await azurite.StopAsync();
        Exception error;
        TimeSpan elapsed;
        try
        {
            var clock = Stopwatch.StartNew();
            error = await Assert.ThrowsAnyAsync<Exception>(() => queue.SendMessageAsync("lost"u8.ToArray()));
            elapsed = clock.Elapsed;
        }
        finally
        {
            await azurite.StartAsync();
        }

        var afterRestart = (await queue.PeekMessagesAsync(32)).Value;

        Assert.True(StorageFailures.IsStorageFailure(error), error.ToString());
        Assert.Equal(0, StorageFailures.StatusOf(error));
        Assert.False(StorageFailures.IsDefiniteRefusal(error));
        // A refused connection fails at once; the bound is the budget plus a margin for a busy machine.
        Assert.True(elapsed < budget + TimeSpan.FromSeconds(10), $"Failing took {elapsed}.");
        var kept = Assert.Single(afterRestart);
        Assert.Equal(before.MessageId, kept.MessageId);
        Assert.Equal("kept", kept.Body.ToString());
    }

    [Fact]
    public async Task Send_ToAnEndpointThatNeverAnswers_FailsWithinTheBudget_NotTheSdksHundredSeconds()
    {
        await using var stalled = new BlackHoleListener();
        var budget = TimeSpan.FromSeconds(3);
        var queue = new QueueServiceClient(
                $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:{stalled.Port}/{AzuriteFixture.AccountName}",
                WebhookStorage.QueueOptions(budget))
            .GetQueueClient("stalled");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => queue.SendMessageAsync("never"u8.ToArray()));
        var elapsed = clock.Elapsed;

        Assert.True(StorageFailures.IsStorageFailure(error), error.ToString());
        Assert.True(stalled.Accepted >= 1);
        Assert.True(elapsed < budget + TimeSpan.FromSeconds(10), $"Failing took {elapsed}; the budget is {budget}.");
    }
}
