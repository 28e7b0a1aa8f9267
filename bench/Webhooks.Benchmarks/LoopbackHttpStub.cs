using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Webhooks.Benchmarks;

/// <summary>
/// A minimal HTTP/1.1 server on loopback for in-process benchmarks that must go through the real HttpClient stack
/// (SocketsHttpHandler, with its diagnostics and metrics handlers): every request is read in full and answered at
/// once, DELETE with 204, anything else with 200, on a kept-alive connection. Raw sockets rather than Kestrel, so no
/// instrumentation of the stub's own side is measured.
/// </summary>
internal sealed class LoopbackHttpStub : IDisposable
{
    private static readonly byte[] NoContent = Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    private static readonly byte[] Ok = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();

    public LoopbackHttpStub()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var connection = socket;
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // Headers up to the blank line, then Content-Length bytes of body (the clients here never chunk).
                int headerEnd;
                while ((headerEnd = IndexOfHeaderEnd(buffer, filled)) < 0)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(filled), _stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
                var total = headerEnd + 4 + ContentLength(head);
                while (filled < total)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(filled), _stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                filled -= total;
                await connection.SendAsync(head.StartsWith("DELETE ", StringComparison.Ordinal) ? NoContent : Ok, _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client closed the connection, or the stub is stopping.
        }
    }

    private static int IndexOfHeaderEnd(byte[] buffer, int length) => buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line.AsSpan("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
