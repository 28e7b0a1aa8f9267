using System.Net;

namespace Webhooks.Delivery;

/// <summary>Resolves a target's host name; a seam so tests can play DNS, including DNS that changes its mind.</summary>
public interface ITargetHostResolver
{
    /// <summary>The addresses <paramref name="host"/> resolves to now.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default);
}

/// <summary>The system resolver.</summary>
public sealed class DnsTargetHostResolver : ITargetHostResolver
{
    /// <inheritdoc />
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
