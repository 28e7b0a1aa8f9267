using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing.Azurite;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Scale;

/// <summary>
/// Issue 13 item 2, end to end over real Kestrel and Azurite: 16 slow senders with forged signatures trickle 10 MiB
/// bodies (200 KiB at once, then 2 KiB/s) into every large-body slot, reconnecting whenever they are cut off, while a
/// genuine 2 MiB delivery is retried each second as a provider does on 503. It must be accepted within 30 s.
/// </summary>
/// <remarks>A harness-style test: time bounds the run (it gives up after 30 s), it measures nothing.</remarks>
public sealed class SlowForgedSenderTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int SlowSenders = 16;
    private const int SlowBodyBytes = 10 * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GenuineLargeDelivery_RetriedEachSecond_IsAcceptedWithin30s_WhileSlowForgedSendersHoldEverySlot()
    {
        var hosts = new ScaleHosts(azurite);
        await using var intake = hosts.Intake(maxConcurrentLargeBodies: SlowSenders);
        intake.UseKestrel(0);
        intake.StartServer();
        var address = new Uri(intake.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        using var stop = new CancellationTokenSource();
        var slow = Enumerable.Range(0, SlowSenders).Select(i => TrickleAsync(address, i, stop.Token)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(7)); // every slot taken, and past the grace period

        using var client = new HttpClient { BaseAddress = address };
        var body = ScaleHosts.JsonBody(2 * 1024 * 1024, "evt_genuine");
        var started = DateTimeOffset.UtcNow;
        var answers = new List<int>();
        while (DateTimeOffset.UtcNow - started < Deadline && !answers.Contains(202))
        {
            using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_genuine", DateTimeOffset.UtcNow));
            answers.Add((int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(slow);
        output.WriteLine($"genuine answers: {string.Join(' ', answers)} after {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");
        Assert.Contains(202, answers);
        await hosts.Container.DeleteIfExistsAsync();
    }

    // One slow sender: a forged (well-formed, wrong) signature, 200 KiB at once, then 2 KiB a second; again when cut off.
    private static async Task TrickleAsync(Uri address, int sender, CancellationToken cancellationToken)
    {
        var trickle = new byte[2048];
        Array.Fill(trickle, (byte)'a');
        while (!cancellationToken.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, address.Port, cancellationToken);
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var forged = "v1," + Convert.ToBase64String(new byte[32]);
                var head = $"POST /api/webhooks/{ScaleHosts.Source} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    $"webhook-id: msg_slow_{sender}_{Guid.NewGuid():N}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {forged}\r\n" +
                    $"Content-Length: {SlowBodyBytes}\r\n\r\n{{\"type\":\"";
                await socket.SendAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
                await socket.SendAsync(new byte[200 * 1024].Select(_ => (byte)'a').ToArray(), cancellationToken);
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    await socket.SendAsync(trickle, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // Cut off: come back at once, as an attacker would.
            }
        }
    }
}
