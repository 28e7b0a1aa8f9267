using System.Net;
using System.Net.Sockets;

namespace Webhooks.Delivery;

/// <summary>
/// Opens the TCP connection to an address <see cref="TargetGuard"/> already allowed; a seam so tests can watch every
/// connection the guard would open without opening one outside loopback.
/// </summary>
public interface ITargetConnector
{
    /// <summary>A connected stream to <paramref name="endpoint"/>.</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default);
}

/// <summary>Plain TCP sockets.</summary>
public sealed class SocketTargetConnector : ITargetConnector
{
    /// <inheritdoc />
    public async ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
