using System.Net;
using System.Net.Sockets;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

/// <summary>
/// The whole block list through the targets client's real connect path (HttpClient → ConnectCallback → guard), with
/// a stubbed resolver and a connector that records instead of connecting: no test here opens a connection at all.
/// </summary>
public sealed class TargetGuardConnectPathTests
{
    private readonly FakeResolver _dns = new();
    private readonly RecordingConnector _connector = new();

    public static TheoryData<string> Refused => new()
    {
        "169.254.169.254", // IMDS
        "168.63.129.16", // Azure WireServer
        "127.0.0.1", "127.9.9.9", // loopback
        "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.0.1", // private
        "100.64.0.1", "100.127.255.254", // CGNAT
        "0.0.0.0", "224.0.0.1", "255.255.255.255",
        "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", // IPv6 loopback, ULA, link-local, multicast
        "::ffff:169.254.169.254", "::ffff:168.63.129.16", "::ffff:127.0.0.1", "::ffff:10.0.0.1", // IPv4-mapped
        "64:ff9b::a9fe:a9fe", "64:ff9b::a83f:8110", "64:ff9b::7f00:1", // NAT64 of IMDS, WireServer, loopback
        "2002:a9fe:a9fe::1", // 6to4 of IMDS
        "::a9fe:a9fe", // IPv4-compatible IMDS
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task HostResolvingToARefusedAddress_IsRefused_WithoutConnecting(string address)
    {
        _dns.Answer("target.example.com", [address]);

        var error = await PostAsync("http://target.example.com:8080/hook");

        Assert.IsType<TargetRefusedException>(error.InnerException);
        Assert.Empty(_connector.Attempts);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task HostWithOnePublicAndOneRefusedAddress_IsRefusedAsAWhole(string address)
    {
        _dns.Answer("mixed.example.com", ["93.184.216.34", address]);

        var error = await PostAsync("http://mixed.example.com/hook");

        Assert.IsType<TargetRefusedException>(error.InnerException);
        Assert.Empty(_connector.Attempts);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task LiteralRefusedAddressInTheUrl_IsRefused_WithoutConnecting(string address)
    {
        var host = IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address;

        var error = await PostAsync($"http://{host}:8080/hook");

        Assert.IsType<TargetRefusedException>(error.InnerException);
        Assert.Empty(_connector.Attempts);
        Assert.Empty(_dns.Lookups);
    }

    [Fact]
    public async Task HostResolvingToPublicAddresses_IsConnectedToExactlyThoseAddresses()
    {
        _dns.Answer("api.example.com", ["93.184.216.34", "2606:2800:220:1::1"]);

        var error = await PostAsync("http://api.example.com:8080/hook");

        // The recording connector refuses every connection, so the client gives up after trying each address.
        Assert.IsType<SocketException>(error.InnerException);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("93.184.216.34"), 8080), new IPEndPoint(IPAddress.Parse("2606:2800:220:1::1"), 8080)], _connector.Attempts);
    }

    [Fact]
    public async Task RefusedAddress_WhenPrivateTargetsAreAllowed_IsConnectedTo()
    {
        _dns.Answer("local.example.com", ["127.0.0.1"]);

        var error = await PostAsync("http://local.example.com:8080/hook", allowPrivate: true);

        Assert.IsType<SocketException>(error.InnerException);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 8080)], _connector.Attempts);
    }

    private async Task<HttpRequestException> PostAsync(string url, bool allowPrivate = false)
    {
        var options = new TestOptionsMonitor<WebhooksOptions>(new WebhooksOptions { Delivery = { AllowPrivateNetworkTargets = allowPrivate } });
        var guard = new TargetGuard(options, _dns, _connector);
        using var client = new HttpClient(DeliveryServiceCollectionExtensions.CreateTargetsHandler(guard));
        return await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri(url), new StringContent("{}")));
    }

    private sealed class RecordingConnector : ITargetConnector
    {
        public List<IPEndPoint> Attempts { get; } = [];

        public ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
        {
            Attempts.Add(endpoint);
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
    }
}
