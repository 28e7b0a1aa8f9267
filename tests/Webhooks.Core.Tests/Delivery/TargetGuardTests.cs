using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public class TargetGuardTests
{
    private readonly FakeResolver _dns = new();

    private TargetGuard Guard(bool allowPrivate = false) =>
        new(new TestOptionsMonitor<WebhooksOptions>(new WebhooksOptions { Delivery = { AllowPrivateNetworkTargets = allowPrivate } }), _dns);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata (IMDS)
    [InlineData("169.254.0.1")]
    [InlineData("168.63.129.16")] // Azure WireServer
    [InlineData("::ffff:168.63.129.16")]
    [InlineData("100.64.0.1")] // CGNAT
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("192.0.0.8")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")] // unique local
    [InlineData("fe80::1")] // link-local
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped loopback
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::10.1.2.3")] // IPv4-compatible
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:a00:1::1")] // 6to4 of 10.0.0.1
    [InlineData("2001:db8::1")]
    public void IsPublic_PrivateOrReservedAddress_IsFalse(string address) =>
        Assert.False(TargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("20.50.2.1")]
    [InlineData("100.63.255.255")] // just below CGNAT
    [InlineData("100.128.0.0")] // just above CGNAT
    [InlineData("172.15.255.255")] // just below 172.16/12
    [InlineData("172.32.0.0")] // just above
    [InlineData("169.253.255.255")]
    [InlineData("168.63.129.15")] // next to WireServer
    [InlineData("168.63.129.17")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void IsPublic_PublicAddress_IsTrue(string address) =>
        Assert.True(TargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData(null, "no target URL")]
    [InlineData("", "no target URL")]
    [InlineData("not a url", "not an absolute URL")]
    [InlineData("relative/path", "not an absolute URL")]
    [InlineData("ftp://example.com/hook", "scheme 'ftp'")]
    [InlineData("file:///etc/passwd", "scheme 'file'")]
    [InlineData("gopher://example.com/", "scheme 'gopher'")]
    [InlineData("https://user:pass@example.com/hook", "carries credentials")]
    [InlineData("http://127.0.0.1:8080/hook", "127.0.0.1")]
    [InlineData("http://169.254.169.254/metadata/instance", "169.254.169.254")]
    [InlineData("http://[::1]/hook", "::1")]
    [InlineData("http://[fd00::5]/hook", "fd00::5")]
    public void CheckUrl_RefusedUrl_SaysWhy(string? url, string expected)
    {
        var problem = Guard().CheckUrl(url, out var uri);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Null(uri);
    }

    [Theory]
    [InlineData("https://api.example.com/hooks?x=1")]
    [InlineData("http://api.example.com:8080/hooks")]
    [InlineData("https://8.8.8.8/hook")]
    public void CheckUrl_PublicHttpUrl_IsAccepted(string url)
    {
        Assert.Null(Guard().CheckUrl(url, out var uri));
        Assert.Equal(new Uri(url), uri);
        Assert.Empty(_dns.Lookups); // no network in the configuration check
    }

    [Fact]
    public void CheckUrl_LoopbackWhenPrivateTargetsAllowed_IsAccepted() =>
        Assert.Null(Guard(allowPrivate: true).CheckUrl("http://127.0.0.1:5000/hook", out _));

    [Fact]
    public void CheckUrl_FileSchemeWhenPrivateTargetsAllowed_IsStillRefused() =>
        Assert.NotNull(Guard(allowPrivate: true).CheckUrl("file:///etc/passwd", out _));

    [Fact]
    public async Task ResolveAllowed_HostResolvingToPublicAddresses_ReturnsThem()
    {
        _dns.Answer("api.example.com", ["93.184.216.34", "2606:2800:220:1::1"]);

        var addresses = await Guard().ResolveAllowedAsync("api.example.com");

        Assert.Equal([IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1")], addresses);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.7")]
    public async Task ResolveAllowed_HostResolvingToAPrivateAddress_IsRefused(string address)
    {
        _dns.Answer("evil.example.com", ["93.184.216.34", address]);

        var refused = await Assert.ThrowsAsync<TargetRefusedException>(() => Guard().ResolveAllowedAsync("evil.example.com"));

        Assert.Contains(address, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAllowed_PrivateAddressWhenAllowed_IsReturned()
    {
        _dns.Answer("localhost", ["127.0.0.1"]);

        Assert.Equal([IPAddress.Loopback], await Guard(allowPrivate: true).ResolveAllowedAsync("localhost"));
    }

    [Fact]
    public async Task ResolveAllowed_UnknownHost_IsASocketErrorNotARefusal()
    {
        var error = await Assert.ThrowsAsync<SocketException>(() => Guard().ResolveAllowedAsync("nowhere.example.com"));

        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
    }

    [Fact]
    public async Task TargetsClient_DnsRebindingToMetadataAddress_IsRefusedAtConnectTime()
    {
        // First answer public (what a configuration-time check would see), then the metadata endpoint.
        _dns.Answer("rebind.example.com", ["93.184.216.34"], ["169.254.169.254"]);
        var guard = Guard();
        Assert.Equal([IPAddress.Parse("93.184.216.34")], await guard.ResolveAllowedAsync("rebind.example.com"));
        using var client = new HttpClient(DeliveryServiceCollectionExtensions.CreateTargetsHandler(guard));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri("http://rebind.example.com/hook"), new StringContent("{}")));

        Assert.IsType<TargetRefusedException>(error.InnerException);
    }

    [Fact]
    public async Task TargetsClient_LiteralLoopbackUrl_IsRefusedWithoutConnecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(DeliveryServiceCollectionExtensions.CreateTargetsHandler(Guard()));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri($"http://127.0.0.1:{port}/hook"), new StringContent("{}")));

        Assert.IsType<TargetRefusedException>(error.InnerException);
        Assert.False(listener.Pending());
    }

    [Fact]
    public void TargetsHandler_DoesNotFollowRedirectsOrUseAProxy()
    {
        using var handler = DeliveryServiceCollectionExtensions.CreateTargetsHandler(Guard());

        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
        Assert.False(handler.UseCookies);
        Assert.NotNull(handler.ConnectCallback);
    }
}
