using System.Net;
using System.Net.Sockets;

namespace Webhooks.Testing;

/// <summary>
/// A loopback TCP listener that accepts connections and never answers: what a stalled storage endpoint (or a
/// half-dead load balancer) looks like to a client. Connections are held open until disposal.
/// </summary>
public sealed class BlackHoleListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <summary>Starts listening on a free loopback port.</summary>
    public BlackHoleListener()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        lock (_held)
        {
            foreach (var client in _held)
            {
                client.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_held)
            {
                _held.Add(client);
            }
        }
    }
}
