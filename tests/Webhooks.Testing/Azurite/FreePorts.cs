using System.Net;
using System.Net.Sockets;

namespace Webhooks.Testing.Azurite;

/// <summary>Loopback ports nothing listens on right now.</summary>
public static class FreePorts
{
    /// <summary>Asks the OS for <paramref name="count"/> distinct free loopback ports.</summary>
    public static int[] Take(int count)
    {
        // Hold every listener until all are chosen so the OS cannot hand out the same port twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>True when something accepts TCP connections on the loopback port.</summary>
    public static async Task<bool> IsAnsweringAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
