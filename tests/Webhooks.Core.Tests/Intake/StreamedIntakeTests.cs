using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Webhooks.Configuration;
using Webhooks.Core.Tests.Payloads;
using Webhooks.Testing;
using Webhooks.Intake;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Intake;

/// <summary>
/// Bodies larger than a queue message: verified, hashed, validated and staged in one streaming pass, answered
/// exactly as held bodies are, and stored as a claim-check blob only once accepted.
/// </summary>
public sealed class StreamedIntakeTests
{
    private const string SlotSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Fields = "\"id\":\"evt_big\",\"event_id\":\"Ev_big\",\"type\":\"order.created\",\"data\":{\"id\":42}";

    private readonly IntakeHarness _harness = new();
    private readonly InMemoryPayloadStore _payloads = new();

    public StreamedIntakeTests()
    {
        _harness.Shop.MaxBodyBytes = 1024 * 1024;
    }

    public static TheoryData<string, string, string> Schemes => new()
    {
        { VerificationSchemes.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_big" },
        { VerificationSchemes.GitHub, "It's a Secret to Everybody", "msg_big" },
        { VerificationSchemes.Stripe, "whsec_stripe", "evt_big" },
        { VerificationSchemes.Slack, "8f742231b10e8888abcd99yyyzzz85a5", "Ev_big" },
        { VerificationSchemes.HmacSha256, "shop-secret", "msg_big" },
        { VerificationSchemes.ApiKey, "partner-key", "msg_big" },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task LargeSignedBody_IsAccepted_AndStoredByteForByteAsAClaimCheck(string scheme, string secret, string expectedId)
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        UseScheme(scheme, secret);
        _harness.Options.Intake.PayloadBlockBytes = 64 * 1024;

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Signed(body, secret, contentLength: null));

        Assert.Equal(202, response.Status);
        var (envelope, _) = Assert.Single(_harness.Queued);
        Assert.Equal(expectedId, envelope.Id);
        Assert.Null(envelope.Body);
        var blob = Assert.Single(_payloads.Blobs);
        Assert.True(blob.Committed);
        Assert.Equal(body, blob.Content);
        Assert.Equal(new Webhooks.Envelopes.BodyReference("webhooks-payloads", blob.Name, body.Length), envelope.BodyRef);
        Assert.Equal(5, blob.StagedBlocks); // 300,000 bytes in 64 KiB blocks: memory stays at one block
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task LargeBody_TamperedAfterSigning_Returns401_AndCommitsNothing(string scheme, string secret, string expectedId)
    {
        _ = expectedId;
        if (scheme == VerificationSchemes.ApiKey)
        {
            return; // api-key does not sign the body
        }

        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        UseScheme(scheme, secret);
        var request = Signed(body, secret, contentLength: body.Length);
        var tampered = (byte[])body.Clone();
        tampered[200_000] = (byte)'y';

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(WithBody(request, tampered));

        Assert.Equal(401, response.Status);
        Assert.Empty(_harness.Queued);
        Assert.DoesNotContain(_payloads.Blobs, b => b.Committed);
    }

    [Fact]
    public async Task LargeBody_WithoutASignature_Returns401_AndStagesNothing()
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        UseScheme(VerificationSchemes.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(new MemoryStream(body), null));

        Assert.Equal(401, response.Status);
        Assert.Empty(_payloads.Blobs);
    }

    [Fact]
    public async Task LargeBody_FromALockedSource_Returns423_AndStagesNothing()
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        UseScheme(VerificationSchemes.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        _harness.Shop.State = SourceStates.Locked;

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Signed(body, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null));

        Assert.Equal(423, response.Status);
        Assert.Empty(_payloads.Blobs);
    }

    [Fact]
    public async Task BodyOverTheLimit_WithoutContentLength_Returns413_AfterReadingOnlyTheLimitPlusOneByte()
    {
        UseScheme(VerificationSchemes.ApiKey, "partner-key");
        using var body = new GeneratedJsonStream(Fields, 5 * 1024 * 1024);

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(body, contentLength: null, apiKey: "partner-key"));

        Assert.Equal(413, response.Status);
        Assert.Equal(_harness.Shop.MaxBodyBytes + 1, body.BytesRead);
        Assert.DoesNotContain(_payloads.Blobs, b => b.Committed);
    }

    [Fact]
    public async Task BodyOverTheDeclaredLimit_Returns413_WithoutReadingAByte()
    {
        UseScheme(VerificationSchemes.ApiKey, "partner-key");
        using var body = new GeneratedJsonStream(Fields, 26 * 1024 * 1024);
        _harness.Shop.MaxBodyBytes = null; // the default, 25 MiB

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(body, contentLength: body.Length, apiKey: "partner-key"));

        Assert.Equal(413, response.Status);
        Assert.Equal(0, body.BytesRead);
        Assert.Contains("26214400", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"order\",\"data\":{\"id\":42},\"pad\":\"", "\"", 400, "invalidJson")]
    [InlineData("{\"type\":\"order\",\"data\":{\"id\":42},\"pad\":\"\u00ff", "\"}", 400, "invalidEncoding")]
    [InlineData("{\"type\":7,\"data\":{\"id\":4.5},\"pad\":\"", "\"}", 422, "invalidArguments")]
    public async Task LargeBody_ThatIsNotValid_IsRefusedLikeAHeldOne(string start, string end, int status, string errorCode)
    {
        UseScheme(VerificationSchemes.ApiKey, "partner-key");
        var startBytes = start.Contains('\u00ff', StringComparison.Ordinal)
            ? [.. Encoding.UTF8.GetBytes(start.Replace("\u00ff", string.Empty, StringComparison.Ordinal)), 0xFF]
            : Encoding.UTF8.GetBytes(start);
        byte[] body = [.. startBytes, .. Enumerable.Repeat((byte)'x', 200_000), .. Encoding.UTF8.GetBytes(end)];

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(new MemoryStream(body), body.Length, apiKey: "partner-key"));

        Assert.Equal(status, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(errorCode, problem.RootElement.GetProperty("errorCode").GetString());
        if (status == 422)
        {
            var fields = problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
            Assert.Equal(["data.id", "type"], fields);
        }

        Assert.Empty(_harness.Queued);
        Assert.DoesNotContain(_payloads.Blobs, b => b.Committed);
    }

    [Fact]
    public async Task LargeBody_WhenStagingFails_Returns503OnlyAfterEveryCheckPassed()
    {
        UseScheme(VerificationSchemes.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        _payloads.StagingFailure = new RequestFailedException(0, "storage down");
        _harness.Options.Intake.PayloadBlockBytes = 64 * 1024;
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        var intake = _harness.BuildWithRealVerifiers(_payloads);

        var good = await intake.HandleAsync(Signed(body, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null));
        var forged = await intake.HandleAsync(Signed(body, "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdW5kLXRyaXA=", null));

        Assert.Equal(503, good.Status);
        Assert.Contains(good.Headers, h => h.Key == "Retry-After");
        Assert.Equal(401, forged.Status);
        Assert.Empty(_harness.Queued);
    }

    [Fact]
    public async Task BodyThatFitsMemoryButNotAMessage_IsStoredWithOnePutBlob()
    {
        UseScheme(VerificationSchemes.ApiKey, "partner-key");
        var body = GeneratedJsonStream.Materialize(Fields, 40_000);

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(new MemoryStream(body), body.Length, apiKey: "partner-key"));

        Assert.Equal(202, response.Status);
        var blob = Assert.Single(_payloads.Blobs);
        Assert.Equal(1, blob.PutBlobCalls);
        Assert.Equal(0, blob.StagedBlocks);
        Assert.Equal(body, blob.Content);
        Assert.Null(Assert.Single(_harness.Queued).Envelope.Body);
    }

    [Fact]
    public async Task SmallBody_TravelsInline_WithoutABlob()
    {
        UseScheme(VerificationSchemes.ApiKey, "partner-key");
        var body = GeneratedJsonStream.Materialize(Fields, 2_000);

        var response = await _harness.BuildWithRealVerifiers(_payloads).HandleAsync(Unsigned(new MemoryStream(body), body.Length, apiKey: "partner-key"));

        Assert.Equal(202, response.Status);
        Assert.Empty(_payloads.Blobs);
        Assert.Equal(body, Assert.Single(_harness.Queued).Envelope.Body);
    }

    [Fact]
    public async Task Streaming25MiB_AllocatesAFractionOfTheBody()
    {
        // One thread, every read and storage call completing synchronously: the thread's allocation counter sees
        // everything intake allocates for the request.
        const long Length = 25 * 1024 * 1024;
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        UseScheme(VerificationSchemes.StandardWebhooks, Secret);
        _harness.Shop.MaxBodyBytes = null;
        var payloads = new InMemoryPayloadStore { KeepBytes = false };
        var intake = _harness.BuildWithRealVerifiers(payloads);
        var signature = SignGenerated(Secret, "msg_big", Length);
        var expectedSha = HashGenerated(Length);

        Assert.Equal(202, Run(intake, signature, Length)); // warms the pools and JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = Run(intake, signature, Length);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(202, status);
        Assert.Equal(expectedSha, payloads.Blobs[^1].Sha256);
        Assert.Equal(Length, payloads.Blobs[^1].Length);
        Assert.True(allocated < 2 * 1024 * 1024, $"Streaming a 25 MiB body allocated {allocated:N0} bytes.");
    }

    [Fact]
    public async Task LargeBodies_BeyondMaxConcurrentLargeBodies_Get503ServerBusy_UntilASlotFrees()
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        var (intake, first, stalled) = await HoldTheOnlyLargeBodySlotAsync(body);

        var second = await intake.HandleAsync(Signed(body, SlotSecret, body.Length));

        Assert.Equal(503, second.Status);
        Assert.Equal("serverBusy", second.ErrorCode);
        Assert.Contains(new KeyValuePair<string, string>("Retry-After", "10"), second.Headers);
        Assert.Single(_payloads.Blobs); // the refused one staged nothing
        Assert.Empty(_harness.Queued);

        stalled.Release();
        Assert.Equal(202, (await first).Status);
        Assert.Equal(202, (await intake.HandleAsync(Signed(body, SlotSecret, body.Length))).Status); // the slot came back
        Assert.Equal(2, _harness.Queued.Count);
    }

    [Fact]
    public async Task SlowLargeBody_PastTheGracePeriod_GivesItsSlotToANewcomer_AndGets503()
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        var (intake, first, stalled) = await HoldTheOnlyLargeBodySlotAsync(body);
        _harness.Time.Advance(TimeSpan.FromSeconds(10)); // ~150 KB in 10 s: far below 64 KiB/s

        var second = intake.HandleAsync(Signed(body, SlotSecret, body.Length));
        stalled.Release(); // the slow body's next chunk arrives; it is read no further

        var slow = await first;
        Assert.Equal(503, slow.Status);
        Assert.Equal("serverBusy", slow.ErrorCode);
        Assert.Equal(202, (await second).Status);
        Assert.Single(_harness.Queued);
    }

    [Fact]
    public async Task LargeBody_WhenRateLimited_Gets429BeforeItsBodyIsRead()
    {
        UseScheme(VerificationSchemes.StandardWebhooks, SlotSecret);
        _harness.Shop.RateLimit = new() { PermitsPerSecond = 1, Burst = 1 };
        var intake = _harness.BuildWithRealVerifiers(_payloads);
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        Assert.Equal(202, (await intake.HandleAsync(Signed(body, SlotSecret, body.Length))).Status);
        var stream = new StallingStream(body, stallAt: 100_000);

        var limited = await intake.HandleAsync(WithStream(Signed(body, SlotSecret, body.Length), stream));

        Assert.Equal(429, limited.Status);
        Assert.False(stream.Reached.IsCompleted); // never read up to the stall point
    }

    [Theory]
    [InlineData("v1,not-base64")]
    [InlineData("v1,AAAA")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public async Task LargeBody_WithAMalformedSignature_Is401BeforeItsBodyStreams_TakingNoSlot(string signature)
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        var (intake, first, stalled) = await HoldTheOnlyLargeBodySlotAsync(body);
        var timestamp = _harness.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var forged = await intake.HandleAsync(Unsigned(new MemoryStream(body), body.Length, headers:
            [new("webhook-id", "msg_forged"), new("webhook-timestamp", timestamp), new("webhook-signature", signature)]));

        Assert.Equal(401, forged.Status);
        Assert.Equal("invalidSignature", forged.ErrorCode);
        stalled.Release();
        Assert.Equal(202, (await first).Status);
    }

    [Fact]
    public async Task LargeBody_RefusedByItsHeaders_TakesNoSlot_AndStill401s()
    {
        var body = GeneratedJsonStream.Materialize(Fields, 300_000);
        var (intake, first, stalled) = await HoldTheOnlyLargeBodySlotAsync(body);

        var unsigned = await intake.HandleAsync(Unsigned(new MemoryStream(body), body.Length));

        Assert.Equal(401, unsigned.Status);
        Assert.Equal("missingSignature", unsigned.ErrorCode);
        stalled.Release();
        Assert.Equal(202, (await first).Status);
    }

    // With MaxConcurrentLargeBodies = 1, a signed large delivery that stalls mid-body and so holds the only slot.
    private async Task<(WebhookIntake Intake, Task<IntakeResponse> First, StallingStream Stalled)> HoldTheOnlyLargeBodySlotAsync(byte[] body)
    {
        UseScheme(VerificationSchemes.StandardWebhooks, SlotSecret);
        _harness.Options.Intake.MaxConcurrentLargeBodies = 1;
        var intake = _harness.BuildWithRealVerifiers(_payloads);
        var stalled = new StallingStream(body, stallAt: 100_000);
        var first = intake.HandleAsync(WithStream(Signed(body, SlotSecret, body.Length), stalled));
        await stalled.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        return (intake, first, stalled);
    }

    private int Run(WebhookIntake intake, (long Timestamp, string Signature) signature, long length)
    {
        using var body = new GeneratedJsonStream(Fields, length);
        var request = Unsigned(body, length, headers:
        [
            new("webhook-id", "msg_big"), new("webhook-timestamp", signature.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("webhook-signature", signature.Signature),
        ]);
        var task = intake.HandleAsync(request);
        Assert.True(task.IsCompleted, "Every step completes synchronously with these fakes.");
        return task.Result.Status;
    }

    private (long Timestamp, string Signature) SignGenerated(string secret, string id, long length)
    {
        var timestamp = _harness.Time.GetUtcNow().ToUnixTimeSeconds();
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, StandardWebhooksSecret.DecodeKey(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
        using var body = new GeneratedJsonStream(Fields, length);
        var buffer = new byte[81920];
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            hmac.AppendData(buffer.AsSpan(0, read));
        }

        return (timestamp, "v1," + Convert.ToBase64String(hmac.GetHashAndReset()));
    }

    private static byte[] HashGenerated(long length)
    {
        using var body = new GeneratedJsonStream(Fields, length);
        return SHA256.HashData(body);
    }

    private void UseScheme(string scheme, string secret)
    {
        _harness.Shop.Verification = scheme;
        _harness.Shop.Secrets = [secret];
        _harness.Shop.Validation.RequiredFields = new() { ["type"] = "string", ["data.id"] = "integer" };
    }

    private IntakeRequest Signed(byte[] body, string secret, long? contentLength)
    {
        var headers = WebhookSigners.CreateHeaders(new SigningContext(secret, "msg_big", _harness.Time.GetUtcNow(), body, _harness.Shop));
        return Unsigned(new MemoryStream(body), contentLength, headers: [.. headers, new("webhook-id", "msg_big")]);
    }

    private static IntakeRequest WithBody(IntakeRequest request, byte[] body) => new()
    {
        Method = request.Method, Source = request.Source, Path = request.Path, Headers = request.Headers,
        Body = new MemoryStream(body), ContentLength = body.Length, TraceId = request.TraceId,
    };

    private static IntakeRequest WithStream(IntakeRequest request, Stream body) => new()
    {
        Method = request.Method, Source = request.Source, Path = request.Path, Headers = request.Headers,
        Body = body, ContentLength = request.ContentLength, TraceId = request.TraceId,
    };

    private static IntakeRequest Unsigned(Stream body, long? contentLength, string? apiKey = null, KeyValuePair<string, string>[]? headers = null)
    {
        var all = new List<KeyValuePair<string, string>> { new("Content-Type", "application/json") };
        if (apiKey is not null)
        {
            all.Add(new("x-api-key", apiKey));
            all.Add(new("webhook-id", "msg_big"));
        }

        foreach (var header in headers ?? [])
        {
            all.RemoveAll(h => string.Equals(h.Key, header.Key, StringComparison.OrdinalIgnoreCase));
            all.Add(header);
        }

        return new IntakeRequest
        {
            Method = "POST", Source = "shop", Path = "/api/webhooks/shop", Headers = new DictionaryRequestHeaders(all),
            Body = body, ContentLength = contentLength, TraceId = "trace-1",
        };
    }

    // Serves a body up to a point, then waits to be released: a provider's upload still in progress.
    private sealed class StallingStream(byte[] content, int stallAt) : MemoryStream(content, writable: false)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position < stallAt)
            {
                return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, stallAt - Position)], cancellationToken);
            }

            _reached.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }
    }
}
