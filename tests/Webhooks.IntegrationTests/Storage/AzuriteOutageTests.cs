using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>An emulator outage, on a private Azurite so no other test sees it stop.</summary>
public sealed class AzuriteOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Send_WhileAzuriteStopped_FailsQuicklyWithStatusZero_AndDataSurvivesRestart()
    {
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(UniqueNames.Queue("outage"));
        await queue.CreateIfNotExistsAsync();
        var before = await queue.SendMessageAsync("kept"u8.ToArray());

        await azurite.StopAsync();
        RequestFailedException error;
        TimeSpan elapsed;
        try
        {
            var clock = Stopwatch.StartNew();
            error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("lost"u8.ToArray()));
            elapsed = clock.Elapsed;
        }
        finally
        {
            await azurite.StartAsync();
        }

        var afterRestart = (await queue.PeekMessagesAsync(32)).Value;

        Assert.Equal(0, error.Status);
        Assert.NotNull(error.InnerException);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"Failing took {elapsed}.");
        var kept = Assert.Single(afterRestart);
        Assert.Equal(before.MessageId, kept.MessageId);
        Assert.Equal("kept", kept.Body.ToString());
    }
}
