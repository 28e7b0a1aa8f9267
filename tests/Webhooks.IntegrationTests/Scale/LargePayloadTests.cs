using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Delivery;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Payloads;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Scale;

/// <summary>
/// Bodies far beyond a queue message, end to end: the real intake host stores them as claim-check blobs before
/// answering 202, the real worker streams them to a real target and removes them once delivered; a dead-lettered
/// one keeps its blob so a replay still delivers it.
/// </summary>
public sealed class LargePayloadTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // No redirect handler: it would buffer the request body before sending it.
    private static readonly WebApplicationFactoryClientOptions Streaming = new() { AllowAutoRedirect = false, HandleCookies = false };

    private readonly ScaleHosts _hosts = new(azurite);
    private ScriptedTarget _target = null!;

    public async Task InitializeAsync() => _target = await ScriptedTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _hosts.Container.DeleteIfExistsAsync();
    }

    [Fact]
    public async Task TenMiBBody_IsQueuedAsAClaimCheck_AndReachesTheTargetByteForByte_ThenItsBlobIsRemoved()
    {
        var body = ScaleHosts.JsonBody(10 * 1024 * 1024, "evt_10mib");
        await using var intake = _hosts.Intake();
        using var client = intake.CreateClient();
        await using var delivery = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => _hosts.Configure(options));

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_10mib", DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = Assert.Single((await delivery.Queues.Deliveries.PeekMessagesAsync(32)).Value);
        var envelope = EnvelopeSerializer.Deserialize(message.Body.ToArray());
        Assert.Null(envelope.Body);
        Assert.Equal(body.Length, envelope.BodyRef!.Length);
        Assert.Equal([envelope.BodyRef.Blob], await _hosts.Container.GetBlobNamesAsync(PayloadStore.Prefix));

        using var worker = delivery.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var received = Assert.Single(await _target.WaitForAnsweredAsync(1, Patience));
        await delivery.WaitUntilEmptyAsync(delivery.Queues.Deliveries, Patience);
        await WaitUntilAsync(async () => (await _hosts.Container.GetBlobNamesAsync(PayloadStore.Prefix)).Count == 0);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(body, received.Body);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("Content-Length"));
        Assert.Equal("application/json", received.Header("Content-Type"));
        Assert.Equal("msg_10mib", received.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task ClaimCheckBody_SignedForTheTarget_CarriesAStandardWebhooksSignatureOverTheWholeBody()
    {
        const string TargetSecret = "whsec_dGFyZ2V0LXNlY3JldC1mb3ItdGhlLXNjYWxlLXRlc3Q=";
        var body = ScaleHosts.JsonBody(300_000, "evt_signed");
        await using var intake = _hosts.Intake();
        using var client = intake.CreateClient();
        await using var delivery = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options =>
        {
            _hosts.Configure(options);
            options.Sources[DeliveryHost.Source].Target.Auth = new Configuration.TargetAuthOptions { Type = "standard-webhooks", Secret = TargetSecret };
        });

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_signed", DateTimeOffset.UtcNow));
        using var worker = delivery.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var received = Assert.Single(await _target.WaitForAnsweredAsync(1, Patience));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(body, received.Body);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(received.Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Verification.StandardWebhooksSigner.Sign(TargetSecret, "msg_signed", timestamp, body), received.Header("webhook-signature"));
    }

    [Fact]
    public async Task DeadLetteredLargeDelivery_KeepsItsBlob_AndAReplayStillDeliversItByteForByte()
    {
        var body = ScaleHosts.JsonBody(2 * 1024 * 1024, "evt_dlq");
        _target.Enqueue(TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"data":["Too long."]}}"""));
        await using var intake = _hosts.Intake();
        using var client = intake.CreateClient();
        await using var delivery = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => _hosts.Configure(options));

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_dlq", DateTimeOffset.UtcNow));
        using var worker = delivery.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await delivery.WaitForDeadLettersAsync(1, Patience));
        await delivery.WaitUntilEmptyAsync(delivery.Queues.Deliveries, Patience);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(DeadLetterReasons.TargetRejected, record.Reason);
        Assert.NotNull(record.Envelope!.BodyRef);
        Assert.Equal(body.Length, ((await _hosts.Container.GetBlobClient(record.Envelope.BodyRef.Blob).GetPropertiesAsync()).Value).ContentLength);

        // Replay as the operations tooling does (ReplayEnvelope): the recorded envelope, attempts reset, goes back on
        // the deliveries queue with its body reference.
        record.Envelope.Attempt = 0;
        record.Envelope.Attempts = [];
        record.Envelope.ReplayCount++;
        await delivery.EnqueueAsync(record.Envelope);
        var requests = await _target.WaitForAnsweredAsync(2, Patience);
        await delivery.WaitUntilEmptyAsync(delivery.Queues.Deliveries, Patience);
        await WaitUntilAsync(async () => (await _hosts.Container.GetBlobNamesAsync(PayloadStore.Prefix)).Count == 0);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal([422, 200], requests.Select(r => r.Reply.Status));
        Assert.All(requests, r => Assert.Equal(body, r.Body));
    }

    [Fact]
    public async Task ClaimCheckWhoseBlobIsGone_IsDeadLetteredPayloadMissing_WithoutCallingTheTarget()
    {
        var body = ScaleHosts.JsonBody(100_000, "evt_gone");
        await using var intake = _hosts.Intake();
        using var client = intake.CreateClient();
        await using var delivery = await DeliveryHost.CreateAsync(azurite, _target.Url, output, options => _hosts.Configure(options));
        using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_gone", DateTimeOffset.UtcNow));
        var envelope = EnvelopeSerializer.Deserialize(((await delivery.Queues.Deliveries.PeekMessagesAsync()).Value).Single().Body.ToArray());
        await _hosts.Container.GetBlobClient(envelope.BodyRef!.Blob).DeleteIfExistsAsync();

        using var worker = delivery.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var record = Assert.Single(await delivery.WaitForDeadLettersAsync(1, Patience));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(DeadLetterReasons.PayloadMissing, record.Reason);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Body26MiB_WithContentLength_Is413_WithoutTheAppReadingAByte()
    {
        var meter = new BodyReadMeter();
        await using var intake = _hosts.Intake().WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(meter)));
        using var client = intake.CreateClient(Streaming);

        using var response = await client.SendAsync(Signed(new GeneratedContent(26 * 1024 * 1024, declareLength: true), "msg_26mib_declared"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("26214400", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, meter.BytesRead);
        Assert.Empty(await PayloadBlobsAsync());
    }

    [Fact]
    public async Task Body26MiB_WithContentLength_OverRealKestrel_Is413_BeforeTheClientSendsTheBody()
    {
        await using var intake = _hosts.Intake();
        intake.UseKestrel(0);
        intake.StartServer();
        var address = intake.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var content = new GeneratedContent(26 * 1024 * 1024, declareLength: true);
        using var request = Signed(content, "msg_26mib_expect");
        request.Headers.ExpectContinue = true; // the server asks for the body only when the app reads it

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, content.BytesPulled);
    }

    [Fact]
    public async Task Body26MiB_Chunked_Is413_AfterTheAppReadExactlyTheLimitPlusOneByte_AndStoresNothing()
    {
        var meter = new BodyReadMeter();
        await using var intake = _hosts.Intake().WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(meter)));
        using var client = intake.CreateClient(Streaming);

        using var response = await client.SendAsync(Signed(new GeneratedContent(26 * 1024 * 1024, declareLength: false), "msg_26mib_chunked"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(26_214_400 + 1, meter.BytesRead);
        Assert.Empty(await PayloadBlobsAsync());
        Assert.Empty((await azurite.CreateQueueServiceClient().GetQueueClient(_hosts.Deliveries).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task LargeBody_WithAForgedSignature_Is401_AndLeavesNoBlob()
    {
        var body = ScaleHosts.JsonBody(5 * 1024 * 1024, "evt_forged");
        await using var intake = _hosts.Intake();
        using var client = intake.CreateClient();

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_forged", DateTimeOffset.UtcNow, secret: "whsec_Zm9yZ2VkLXNlY3JldA=="));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await PayloadBlobsAsync());
    }

    [Fact]
    public async Task LargeBodies_BeyondMaxConcurrentLargeBodies_Get503ServerBusy_AndTheOneStreamingIsStillAccepted()
    {
        var body = ScaleHosts.JsonBody(1024 * 1024, "evt_slow");
        await using var intake = _hosts.Intake(maxConcurrentLargeBodies: 1);
        using var client = intake.CreateClient(Streaming);
        var stalled = new StallingContent(body, stallAt: 256 * 1024);
        using var slow = SignedRequests.StandardWebhooks(ScaleHosts.Source, body, "msg_slow", DateTimeOffset.UtcNow);
        stalled.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        slow.Content = stalled;
        var first = client.SendAsync(slow);

        // While the slow upload holds the only slot, another large delivery is refused before it is read.
        HttpResponseMessage? busy = null;
        for (var attempt = 0; busy is null; attempt++)
        {
            Assert.True(attempt < 100, "No large delivery was refused while another held the only slot.");
            var other = ScaleHosts.JsonBody(1024 * 1024, $"evt_other_{attempt}");
            var response = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, other, $"msg_other_{attempt}", DateTimeOffset.UtcNow));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                busy = response;
            }
            else
            {
                response.Dispose();
                await Task.Delay(50);
            }
        }

        using (busy)
        {
            Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await busy.Content.ReadAsStringAsync());
            Assert.Equal("serverBusy", problem.RootElement.GetProperty("errorCode").GetString());
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("10", busy.Headers.GetValues("Retry-After").Single());
        }

        stalled.Release();
        using var accepted = await first;
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var queued = (await azurite.CreateQueueServiceClient().GetQueueClient(_hosts.Deliveries).PeekMessagesAsync(32)).Value;
        Assert.Contains(queued, m => EnvelopeSerializer.Deserialize(m.Body.ToArray()).Id == "msg_slow");
    }

    // Signed headers without a body to sign (the server refuses or fails before verifying); the id is what matters.
    private static HttpRequestMessage Signed(HttpContent content, string id)
    {
        var request = SignedRequests.StandardWebhooks(ScaleHosts.Source, "{}", id, DateTimeOffset.UtcNow);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Content = content;
        return request;
    }

    private async Task<IReadOnlyList<string>> PayloadBlobsAsync()
    {
        await _hosts.Container.CreateIfNotExistsAsync();
        return await _hosts.Container.GetBlobNamesAsync(PayloadStore.Prefix);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(100);
        }
    }

    /// <summary>A body sent up to a point, then held until released: a provider's slow upload.</summary>
    private sealed class StallingContent(byte[] body, int stallAt) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, stallAt));
            await stream.FlushAsync();
            await _released.Task.WaitAsync(Patience);
            await stream.WriteAsync(body.AsMemory(stallAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    /// <summary>A body produced on demand that counts how much of it the transport pulled.</summary>
    private sealed class GeneratedContent(long length, bool declareLength) : HttpContent
    {
        private long _pulled;

        public long BytesPulled => Interlocked.Read(ref _pulled);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            for (long sent = 0; sent < length; sent += chunk.Length)
            {
                var size = (int)Math.Min(chunk.Length, length - sent);
                await stream.WriteAsync(chunk.AsMemory(0, size), cancellationToken);
                Interlocked.Add(ref _pulled, size);
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return declareLength;
        }
    }
}
