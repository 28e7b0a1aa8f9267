using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Verification;

namespace Webhooks.IntegrationTests.Intake;

/// <summary>
/// Bodies whose HTTP framing is broken, sent byte for byte to the real host on Kestrel (TestServer does not parse
/// chunked framing). Found by the fuzz run in docs/reliability.md: an overflowing chunk size reached the app as a
/// plain IOException and was answered 500.
/// </summary>
public sealed class MalformedBodyFramingTests : IAsyncLifetime
{
    private WebhooksHostFactory _host = null!;
    private int _port;

    public Task InitializeAsync()
    {
        _host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            // Nothing is queued: the body never gets that far. A closed port keeps the queue initializer harmless.
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;",
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
        });
        _host.UseKestrel(0);
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFFFF")] // overflows Kestrel's chunk-size parser: an IOException, not a BadHttpRequestException
    [InlineData("zz")] // not hexadecimal
    public async Task ChunkedBody_WithUnparseableChunkSize_Returns400ProblemNot500(string chunkSize)
    {
        // Arrange: correctly signed, so only the framing is wrong.
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.created\"}");
        var head = new StringBuilder("POST /api/webhooks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
        foreach (var (name, value) in StandardWebhooksSigner.CreateHeaders(SignedRequests.Secret, "msg_framing", DateTimeOffset.UtcNow, body))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        byte[] request = [.. Encoding.ASCII.GetBytes(head.Append("\r\n").Append(chunkSize).Append("\r\n").ToString()), .. body, .. "\r\n0\r\n\r\n"u8];

        // Act
        var (status, contentType, answer) = await ExchangeAsync(request);

        // Assert
        Assert.Equal(400, status);
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(answer);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("invalidRequest", problem.RootElement.GetProperty("errorCode").GetString());
    }

    private async Task<(int Status, string ContentType, string Body)> ExchangeAsync(byte[] request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync("127.0.0.1", _port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, timeout.Token);

        // Read the head, then exactly Content-Length bytes of body.
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfBlankLine(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "The host closed the connection without answering.");
            received.AddRange(buffer.AsSpan(0, read));
        }

        var lines = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).FirstOrDefault(p => p[0].Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();
        var length = int.Parse(Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        while (received.Count < headEnd + 4 + length)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "The host closed the connection inside its answer.");
            received.AddRange(buffer.AsSpan(0, read));
        }

        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, Header("Content-Type") ?? string.Empty, Encoding.UTF8.GetString(received.GetRange(headEnd + 4, length).ToArray()));
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
