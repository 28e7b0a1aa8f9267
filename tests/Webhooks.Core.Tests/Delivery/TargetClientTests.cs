using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Moq;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Intake;
using Webhooks.Verification;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public class TargetClientTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"order.created\",\"note\":\"caf\u00e9\"}\n");

    private readonly StubTargetHandler _target = new();
    private readonly WebhooksOptions _options = new() { Delivery = { Timeout = TimeSpan.FromSeconds(5), MaxResponseBodyBytes = 64 } };
    private readonly SourceOptions _source = new() { Target = { Url = "https://shop.example.com/hooks?tenant=1" } };

    private TargetClient Client(TokenCredential? credential = null, Webhooks.Payloads.PayloadStore? payloads = null)
    {
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(_target.CreateClient);
        return new TargetClient(factory.Object, new TestOptionsMonitor<WebhooksOptions>(_options), TimeProvider.System, credential, payloads);
    }

    private static DeliveryEnvelope Envelope(Dictionary<string, string>? headers = null) => new()
    {
        Id = "msg_2Kq9",
        Source = "shop",
        ReceivedAt = DateTimeOffset.UtcNow,
        ContentType = "application/json; charset=utf-8",
        Body = Body,
        Headers = headers ?? [],
    };

    [Fact]
    public async Task Send_PostsTheBodyByteForByteWithContentTypeIdempotencyKeyAndUserAgent()
    {
        _target.Respond(204);

        var result = await Client().SendAsync(Envelope(), _source);

        var request = Assert.Single(_target.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://shop.example.com/hooks?tenant=1"), request.Uri);
        Assert.Equal(Body, request.Body);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("msg_2Kq9", request.Headers["Idempotency-Key"]);
        Assert.Equal("Webhooks/1.0", request.Headers["User-Agent"]);
        Assert.Equal(204, result.Status);
        Assert.True(result.IsSuccess);
        Assert.Equal(DeliveryFailureKind.None, result.Failure);
    }

    [Fact]
    public async Task Send_ForwardsIdentifyingProviderHeaders_ButNeverSignaturesOrCredentials()
    {
        _source.ApiKeyHeader = "x-shop-key";
        var envelope = Envelope(new Dictionary<string, string>
        {
            ["webhook-id"] = "msg_2Kq9",
            ["webhook-timestamp"] = "1767225600",
            ["x-github-event"] = "push",
            ["x-github-delivery"] = "72d3162e",
            ["x-event-type"] = "order.created",
            ["webhook-signature"] = "v1,abc",
            ["x-hub-signature-256"] = "sha256=abc",
            ["stripe-signature"] = "t=1,v1=abc",
            ["x-signature"] = "abc",
            ["x-api-key"] = "provider-secret",
            ["x-shop-key"] = "provider-secret",
            ["authorization"] = "Bearer provider-token",
            ["x-gitlab-token"] = "provider-secret",
            ["cookie"] = "a=b",
            ["host"] = "intake.example.com",
            ["content-length"] = "3",
        });
        _target.Respond(200);

        await Client().SendAsync(envelope, _source);

        var headers = Assert.Single(_target.Requests).Headers;
        Assert.Equal("msg_2Kq9", headers["webhook-id"]);
        Assert.Equal("1767225600", headers["webhook-timestamp"]);
        Assert.Equal("push", headers["x-github-event"]);
        Assert.Equal("72d3162e", headers["x-github-delivery"]);
        Assert.Equal("order.created", headers["x-event-type"]);
        Assert.DoesNotContain(headers.Values, value => value.Contains("abc", StringComparison.Ordinal) || value.Contains("provider", StringComparison.Ordinal));
        Assert.False(headers.ContainsKey("cookie"));
        Assert.False(headers.ContainsKey("host"));
    }

    [Fact]
    public async Task Send_HeaderAuth_AddsTheStaticHeaderInsteadOfAnyForwardedOne()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "header", Header = "x-api-key", Value = "target-key" };
        _target.Respond(200);

        await Client().SendAsync(Envelope(new Dictionary<string, string> { ["x-api-key"] = "provider-key" }), _source);

        Assert.Equal("target-key", Assert.Single(_target.Requests).Headers["x-api-key"]);
    }

    [Fact]
    public async Task Send_StandardWebhooksAuth_SignsIdTimestampAndBodyWithTheTargetSecret()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = Secret };
        _target.Respond(200);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await Client().SendAsync(Envelope(new Dictionary<string, string> { ["webhook-id"] = "provider-id", ["webhook-signature"] = "v1,provider" }), _source);

        var headers = Assert.Single(_target.Requests).Headers;
        Assert.Equal("msg_2Kq9", headers["webhook-id"]);
        var timestamp = long.Parse(headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"msg_2Kq9.{timestamp}.").Concat(Body).ToArray();
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)), headers["webhook-signature"]);
    }

    [Fact]
    public async Task Send_StandardWebhooksAuth_IsAcceptedByOurOwnIntakeVerifier()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = Secret };
        _target.Respond(200);

        await Client().SendAsync(Envelope(), _source);

        var request = Assert.Single(_target.Requests);
        var receiver = new SourceOptions { Verification = "standard-webhooks", Secrets = [Secret] };
        var verdict = new StandardWebhooksVerifier().Verify(new VerificationContext(
            "ours", receiver, new DictionaryRequestHeaders(request.Headers), request.Body, DateTimeOffset.UtcNow, new Dictionary<string, SourceOptions>()));
        Assert.True(verdict.Succeeded, verdict.Message);
    }

    [Fact]
    public async Task Send_SignedClaimCheckBody_ReadsTheBlobOnce_AndSignsWhatItSends()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = Secret };
        _target.Respond(200);
        var payloads = new Payloads.InMemoryPayloadStore();
        var large = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 300_000) + "\"}");
        var envelope = Envelope();
        envelope.Body = null;
        envelope.BodyRef = await payloads.UploadAsync("shop", envelope.Id, large, "application/json");

        var result = await Client(payloads: payloads).SendAsync(envelope, _source);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, payloads.Reads);
        var request = Assert.Single(_target.Requests);
        Assert.Equal(large, request.Body);
        var receiver = new SourceOptions { Verification = "standard-webhooks", Secrets = [Secret] };
        var verdict = new StandardWebhooksVerifier().Verify(new VerificationContext(
            "ours", receiver, new DictionaryRequestHeaders(request.Headers), request.Body, DateTimeOffset.UtcNow, new Dictionary<string, SourceOptions>()));
        Assert.True(verdict.Succeeded, verdict.Message);
    }

    [Fact]
    public async Task Send_UnsignedClaimCheckBody_StreamsItOnce()
    {
        _target.Respond(200);
        var payloads = new Payloads.InMemoryPayloadStore();
        var envelope = Envelope();
        envelope.Body = null;
        envelope.BodyRef = await payloads.UploadAsync("shop", envelope.Id, Body, "application/json");

        await Client(payloads: payloads).SendAsync(envelope, _source);

        Assert.Equal(1, payloads.Reads);
        Assert.Equal(Body, Assert.Single(_target.Requests).Body);
    }

    [Fact]
    public async Task Send_BearerAuth_SendsATokenForTheConfiguredScope()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "bearer", Scope = "api://target/.default" };
        var credential = new Mock<TokenCredential>();
        credential
            .Setup(c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.SequenceEqual(new[] { "api://target/.default" })), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("token-123", DateTimeOffset.UtcNow.AddHours(1)));
        _target.Respond(200);

        await Client(credential.Object).SendAsync(Envelope(), _source);

        Assert.Equal("Bearer token-123", Assert.Single(_target.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task Send_BearerTokenUnavailable_IsACredentialFailureWithoutCallingTheTarget()
    {
        _source.Target.Auth = new TargetAuthOptions { Type = "bearer", Scope = "api://target/.default" };
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CredentialUnavailableException("no managed identity here"));

        var result = await Client(credential.Object).SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.CredentialFailure, result.Failure);
        Assert.Null(result.Status);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Send_ErrorAnswer_KeepsHeadersThatMatterAndABoundedBody()
    {
        var body = "{\"message\":\"" + new string('x', 200) + "\"}";
        _target.Respond(429, body, "application/json", ("Retry-After", "7"), ("X-Request-Id", "req-1"), ("Set-Cookie", "session=secret"), ("X-Internal", "no"));

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(429, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        var response = Assert.IsType<TargetResponse>(result.Response);
        Assert.Equal(429, response.Status);
        Assert.Equal("7", response.Headers["retry-after"]);
        Assert.Equal("req-1", response.Headers["x-request-id"]);
        Assert.StartsWith("application/json", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.False(response.Headers.ContainsKey("set-cookie"));
        Assert.False(response.Headers.ContainsKey("x-internal"));
        Assert.Equal(body[..64], response.Body);
        Assert.True(response.BodyTruncated);
    }

    [Fact]
    public async Task Send_ShortErrorBody_IsKeptWhole()
    {
        _target.Respond(422, """{"message":"bad"}""");

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal("""{"message":"bad"}""", result.Response!.Body);
        Assert.False(result.Response.BodyTruncated);
    }

    [Fact]
    public async Task Send_SuccessAnswer_DoesNotKeepTheBody()
    {
        _target.Respond(200, """{"ok":true}""");

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Null(result.Response!.Body);
    }

    [Fact]
    public async Task Send_TargetSlowerThanItsTimeout_IsATimeout()
    {
        _source.Target.Timeout = TimeSpan.FromMilliseconds(200);
        _target.Hang();

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.Timeout, result.Failure);
        Assert.Null(result.Status);
        Assert.InRange(result.Duration, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(4));
        Assert.Contains("0.2 s", result.FailureDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_CallerCancels_ThrowsInsteadOfReportingATimeout()
    {
        _target.Hang();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().SendAsync(Envelope(), _source, cts.Token));
    }

    [Fact]
    public async Task Send_ConnectionRefused_IsAConnectionFailure()
    {
        _target.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new IOException("refused")));

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.ConnectionFailure, result.Failure);
        Assert.StartsWith("ConnectionError", result.FailureDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NotSupportedException))]
    [InlineData(typeof(FormatException))]
    public async Task Send_ClientCannotMakeTheCall_IsAConfigurationError(Type exception)
    {
        _target.Throw((Exception)Activator.CreateInstance(exception, "An invalid request URI was provided.")!);

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.ConfigurationError, result.Failure);
        Assert.Contains(exception.Name, result.FailureDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(ObjectDisposedException))]
    public async Task Send_BrokenStreamOrDisposedClient_IsStillAConnectionFailure(Type exception)
    {
        _target.Throw((Exception)Activator.CreateInstance(exception, "gone")!);

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.ConnectionFailure, result.Failure);
    }

    [Fact]
    public async Task Send_GuardRefusesAtConnectTime_IsRefused()
    {
        _target.Throw(new HttpRequestException("connect failed", new TargetRefusedException("resolves to 169.254.169.254")));

        var result = await Client().SendAsync(Envelope(), _source);

        Assert.Equal(DeliveryFailureKind.Refused, result.Failure);
        Assert.Contains("169.254.169.254", result.FailureDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, null, null, true)]
    [InlineData("none", null, null, null, null, true)]
    [InlineData("header", "x-api-key", "s3cr3t-v4lue", null, null, true)]
    [InlineData("header", null, "s3cr3t-v4lue", null, null, false)]
    [InlineData("header", "bad header", "s3cr3t-v4lue", null, null, false)]
    [InlineData("header", "x-api-key", null, null, null, false)]
    [InlineData("bearer", null, null, "api://x/.default", null, true)]
    [InlineData("bearer", null, null, null, null, false)]
    [InlineData("standard-webhooks", null, null, null, Secret, true)]
    [InlineData("standard-webhooks", null, null, null, "whsec_not base64!", false)]
    [InlineData("standard-webhooks", null, null, null, null, false)]
    [InlineData("basic", null, null, null, null, false)]
    public void CheckAuth_TellsUsableFromBrokenSettings(string? type, string? header, string? value, string? scope, string? secret, bool usable)
    {
        var auth = new TargetAuthOptions { Type = type!, Header = header, Value = value, Scope = scope, Secret = secret };

        var problem = TargetClient.CheckAuth(auth);

        Assert.Equal(usable, problem is null);
        if (problem is not null && value is not null)
        {
            Assert.DoesNotContain(value, problem, StringComparison.Ordinal);
        }
    }
}
