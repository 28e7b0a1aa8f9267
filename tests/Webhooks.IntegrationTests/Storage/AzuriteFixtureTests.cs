using System.Net;
using System.Net.Sockets;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>The test emulator itself: a port taken between choosing it and Azurite listening costs a retry, not a failed class.</summary>
public sealed class AzuriteFixtureTests
{
    [Fact]
    public async Task FirstStart_WhenAnotherProcessTookAChosenPort_ListensOnOthers()
    {
        await using var azurite = new AzuriteFixture();
        var taken = azurite.QueuePort;
        using var squatter = new TcpListener(IPAddress.Loopback, taken);
        squatter.Start();

        await azurite.InitializeAsync();

        Assert.True(azurite.IsRunning);
        Assert.NotEqual(taken, azurite.QueuePort);
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(UniqueNames.Queue("fixture"));
        await queue.CreateAsync();
        Assert.True((await queue.ExistsAsync()).Value);
    }
}
