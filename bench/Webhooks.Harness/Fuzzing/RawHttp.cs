using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Webhooks.Harness.Fuzzing;

/// <summary>Sends a fuzz case over its own TCP connection, byte for byte, and reads the first response.</summary>
public static class RawHttp
{
    private static readonly TimeSpan SlowByteInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Sends the case to <c>127.0.0.1:<paramref name="port"/></c>; gives up after <paramref name="timeout"/>.</summary>
    public static async Task<RawResponse> SendAsync(int port, FuzzCase fuzzCase, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return RawResponse.Failed("connect: " + ex.Message, clock.Elapsed);
        }

        var stream = client.GetStream();
        var isHead = fuzzCase.Head.AsSpan().StartsWith("HEAD "u8);

        // Read while writing: the host may answer (413, 401) and close before the body is all sent.
        var reading = ReadResponseAsync(stream, isHead, deadline.Token);
        try
        {
            await WriteAsync(client, stream, fuzzCase, reading, deadline.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The host stopped reading and closed; its answer (if any) is still in our receive buffer.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        var response = await reading;
        return response with { Elapsed = clock.Elapsed };
    }

    private static async Task WriteAsync(TcpClient client, NetworkStream stream, FuzzCase fuzzCase, Task reading, CancellationToken cancellationToken)
    {
        switch (fuzzCase.Mode)
        {
            case SendMode.Whole:
                await stream.WriteAsync(fuzzCase.Head, cancellationToken);
                await stream.WriteAsync(fuzzCase.Body, cancellationToken);
                break;

            case SendMode.CloseEarly:
                await stream.WriteAsync(fuzzCase.Head, cancellationToken);
                await stream.WriteAsync(fuzzCase.Body, cancellationToken);
                client.Client.Shutdown(SocketShutdown.Send);
                break;

            case SendMode.Stall:
                await stream.WriteAsync(fuzzCase.Head, cancellationToken);
                await stream.WriteAsync(fuzzCase.Body.AsMemory(0, fuzzCase.Body.Length / 2), cancellationToken);
                break;

            case SendMode.Slow:
                await stream.WriteAsync(fuzzCase.Head, cancellationToken);
                for (var i = 0; i < fuzzCase.Body.Length && !reading.IsCompleted; i++)
                {
                    await stream.WriteAsync(fuzzCase.Body.AsMemory(i, 1), cancellationToken);
                    await Task.WhenAny(reading, Task.Delay(SlowByteInterval, cancellationToken));
                }

                break;
        }
    }

    private static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, bool isHead, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>(1024);
        var chunk = new byte[8192];
        var headerEnd = -1;
        try
        {
            while (headerEnd < 0)
            {
                var read = await stream.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    return buffer.Count == 0
                        ? RawResponse.Failed("closed without a response", TimeSpan.Zero)
                        : RawResponse.Failed("closed inside the response head", TimeSpan.Zero);
                }

                buffer.AddRange(chunk.AsSpan(0, read));
                headerEnd = IndexOf(buffer, "\r\n\r\n"u8);
            }

            var head = Encoding.Latin1.GetString(buffer.GetRange(0, headerEnd).ToArray());
            var lines = head.Split("\r\n");
            var statusParts = lines[0].Split(' ', 3);
            var status = statusParts.Length >= 2 && int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    var name = line[..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    headers[name] = headers.TryGetValue(name, out var existing) ? existing + "," + value : value;
                }
            }

            var body = buffer.Skip(headerEnd + 4).ToList();
            if (!isHead && headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                while (body.Count < length)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    body.AddRange(chunk.AsSpan(0, read));
                }

                body = body.Take((int)Math.Min(length, int.MaxValue)).ToList();
            }
            else if (!isHead && headers.ContainsKey("Transfer-Encoding"))
            {
                // Not expected from this host (answers carry Content-Length); read until close, bounded.
                while (body.Count < 1_000_000)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    body.AddRange(chunk.AsSpan(0, read));
                }
            }

            return new RawResponse(status, headers, [.. body], null, TimeSpan.Zero);
        }
        catch (OperationCanceledException)
        {
            return RawResponse.Failed(buffer.Count == 0 ? "timed out waiting for a response" : "timed out inside the response", TimeSpan.Zero, timedOut: true);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return buffer.Count == 0
                ? RawResponse.Failed("connection reset without a response: " + ex.Message, TimeSpan.Zero)
                : RawResponse.Failed("connection reset inside the response: " + ex.Message, TimeSpan.Zero);
        }
    }

    private static int IndexOf(List<byte> buffer, ReadOnlySpan<byte> pattern)
    {
        for (var i = 0; i + pattern.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = buffer[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The first response on a fuzz connection, or why there was none.</summary>
/// <param name="Status">The status, 0 when no response arrived.</param>
/// <param name="Headers">Response headers (repeated ones comma-joined).</param>
/// <param name="Body">The body as sent (by Content-Length).</param>
/// <param name="Failure">Why no complete response arrived.</param>
/// <param name="Elapsed">From connect to response.</param>
/// <param name="TimedOut">True when the time limit passed first.</param>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? Failure, TimeSpan Elapsed, bool TimedOut = false)
{
    /// <summary>No response.</summary>
    public static RawResponse Failed(string why, TimeSpan elapsed, bool timedOut = false) =>
        new(0, new Dictionary<string, string>(), [], why, elapsed, timedOut);
}
