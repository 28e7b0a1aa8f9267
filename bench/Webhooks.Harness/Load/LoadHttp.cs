using System.Net;

namespace Webhooks.Harness.Load;

/// <summary>The load generator's HTTP client: one pooled connection per concurrent caller, no proxy, loopback only.</summary>
public static class LoadHttp
{
    /// <summary>A client for <paramref name="baseAddress"/> with <paramref name="connections"/> pooled connections.</summary>
    public static HttpClient Create(Uri baseAddress, int connections, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!IPAddress.TryParse(baseAddress.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"Only loopback targets are allowed; {baseAddress} is not one.", nameof(baseAddress));
        }

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <summary>Sends, reads the whole answer, returns the status.</summary>
    public static async Task<int> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using (request)
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return (int)response.StatusCode;
        }
    }
}
