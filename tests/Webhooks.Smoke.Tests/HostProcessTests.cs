using System.Net;
using System.Net.Sockets;
using Webhooks.Harness.Hosts;
using Webhooks.Testing.Azurite;

namespace Webhooks.Smoke.Tests;

/// <summary>The harness's host launcher: a port taken between choosing it and Kestrel binding costs a retry, not a failed run.</summary>
[Collection(SmokeCollection.Name)]
public sealed class HostProcessTests
{
    [Fact]
    public async Task Start_WhenAnotherProcessTookTheChosenPort_AnswersOnAnother()
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var host = await HostProcess.StartAsync(new HostLaunch(HostBinaries.Server, taken, BenchSettings.For(azurite.ConnectionString)));

        Assert.NotEqual(taken, host.Launch.Port);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
