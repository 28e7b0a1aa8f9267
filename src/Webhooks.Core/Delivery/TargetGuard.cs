using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;

namespace Webhooks.Delivery;

/// <summary>
/// Keeps delivery from being turned against our own network (SSRF): only http and https, and no connection to
/// loopback, private (10/8, 172.16/12, 192.168/16), link-local (169.254/16, where the cloud metadata endpoint lives),
/// CGNAT (100.64/10), Azure's WireServer (168.63.129.16, the platform's DNS, health and agent endpoint), IPv6
/// unique-local or link-local, unspecified, multicast or reserved addresses, also in their IPv4-mapped, NAT64 and
/// 6to4 forms — unless
/// <see cref="DeliveryOptions.AllowPrivateNetworkTargets"/> is set for local runs and tests.
/// </summary>
/// <remarks>
/// The check runs at connect time (<see cref="ConnectAsync"/> is the targets client's
/// <see cref="SocketsHttpHandler.ConnectCallback"/>): the addresses checked are the addresses connected to, so a
/// DNS answer that changes between a check and the call (DNS rebinding) cannot slip through. A host resolving to
/// any refused address is refused as a whole. The setting is read live, so a configuration reload applies to the
/// next connection.
/// </remarks>
public sealed class TargetGuard(IOptionsMonitor<WebhooksOptions> options, ITargetHostResolver resolver, ITargetConnector? connector = null)
{
    private readonly ITargetConnector _connector = connector ?? new SocketTargetConnector();

    private bool AllowPrivate => options.CurrentValue.Delivery.AllowPrivateNetworkTargets;

    /// <summary>
    /// Checks a configured target URL without touching the network: absolute, http or https, no credentials in it,
    /// and not a literal refused address. Returns null when acceptable, else why not.
    /// </summary>
    public string? CheckUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "no target URL is configured";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return "the target URL is not an absolute URL";
        }

        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            return $"the target URL scheme '{parsed.Scheme}' is not http or https";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "the target URL carries credentials; use Target:Auth instead";
        }

        if (IPAddress.TryParse(parsed.IdnHost.Trim('[', ']'), out var literal) && !IsAllowed(literal))
        {
            return $"the target address {literal} is on a private or reserved network";
        }

        uri = parsed;
        return null;
    }

    /// <summary>Resolves <paramref name="host"/> and returns its addresses, or throws <see cref="TargetRefusedException"/>.</summary>
    /// <exception cref="TargetRefusedException">The host resolves to a refused address.</exception>
    /// <exception cref="SocketException">The host does not resolve.</exception>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken = default)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        foreach (var address in addresses)
        {
            if (!IsAllowed(address))
            {
                throw new TargetRefusedException($"The target host resolves to {address}, a private or reserved address; set Webhooks:Delivery:AllowPrivateNetworkTargets to allow it.");
            }
        }

        return addresses;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the targets client: resolves, checks, and connects to
    /// exactly the addresses checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAllowedAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await _connector.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostUnreachable);
    }

    private bool IsAllowed(IPAddress address) => AllowPrivate || IsPublic(address);

    /// <summary>True when <paramref name="address"/> is a public unicast address a target may live on.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address.GetAddressBytes()),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] == 0                                   // 0.0.0.0/8 "this network", unspecified
        || b[0] == 10                               // 10/8 private
        || (b[0] == 100 && (b[1] & 0xC0) == 64)     // 100.64/10 carrier-grade NAT
        || b[0] == 127                              // 127/8 loopback
        || (b[0] == 169 && b[1] == 254)             // 169.254/16 link-local, cloud metadata (IMDS)
        || (b[0] == 172 && (b[1] & 0xF0) == 16)     // 172.16/12 private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // 192.0.0/24 IETF protocol assignments
        || (b[0] == 192 && b[1] == 0 && b[2] == 2)  // 192.0.2/24 documentation
        || (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16) // Azure WireServer
        || (b[0] == 192 && b[1] == 168)             // 192.168/16 private
        || (b[0] == 198 && (b[1] & 0xFE) == 18)     // 198.18/15 benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100) // 198.51.100/24 documentation
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)  // 203.0.113/24 documentation
        || b[0] >= 224);                            // multicast, reserved, broadcast

    private static bool IsPublicV6(byte[] b)
    {
        if (b.AsSpan(0, 15).IndexOfAnyExcept((byte)0) < 0)
        {
            return false; // :: and ::1
        }

        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return false; // ::a.b.c.d, the deprecated IPv4-compatible form
        }

        return !(
            (b[0] & 0xFE) == 0xFC                            // fc00::/7 unique local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)       // fe80::/10 link-local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)       // fec0::/10 site-local (deprecated)
            || b[0] == 0xFF                                  // ff00::/8 multicast
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) // 2001::/32 Teredo (hides an IPv4 address)
            || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) // 100::/64 discard
            || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && !IsPublicV4(b.AsSpan(12, 4))) // 64:ff9b::/96 NAT64
            || (b[0] == 0x20 && b[1] == 0x02 && !IsPublicV4(b.AsSpan(2, 4)))); // 2002::/16 6to4
    }
}
