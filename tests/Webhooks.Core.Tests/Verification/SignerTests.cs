using Webhooks.Configuration;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class SignerTests
{
    private const string DeliveryId = "msg_2mT3b6dW";
    private static readonly byte[] Body = Utf8("{\"id\":\"evt_77\",\"event_id\":\"Ev77\",\"amount\":42}");

    public static TheoryData<SourceOptions, string> SchemeSources => new()
    {
        // Each source's verification scheme, with the secret the sender signs with (rotation: the second one).
        { Source(VerificationSchemes.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdW5kLXRyaXA="), "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdW5kLXRyaXA=" },
        { Source(VerificationSchemes.StandardWebhooks, StandardWebhooksSecret.Generate(), "bare-base64-less key"), "bare-base64-less key" },
        { Source(VerificationSchemes.GitHub, "old", "It's a Secret to Everybody"), "It's a Secret to Everybody" },
        { Source(VerificationSchemes.Stripe, "whsec_old", "whsec_new"), "whsec_new" },
        { Source(VerificationSchemes.Slack, "old", "8f742231b10e8888abcd99yyyzzz85a5"), "8f742231b10e8888abcd99yyyzzz85a5" },
        { Source(VerificationSchemes.HmacSha256, "old", "shop-secret"), "shop-secret" },
        { new SourceOptions { Verification = VerificationSchemes.HmacSha256, Secrets = ["shop-secret"], SignatureHeader = "X-Shop-Hmac", SignatureEncoding = "base64", SignaturePrefix = "sha256=" }, "shop-secret" },
        { Source(VerificationSchemes.ApiKey, "old-key", "new-key"), "new-key" },
        { new SourceOptions { Verification = VerificationSchemes.ApiKey, Secrets = ["k"], ApiKeyHeader = "X-Partner-Key" }, "k" },
        { Source(VerificationSchemes.None), "unused" },
    };

    [Theory]
    [MemberData(nameof(SchemeSources))]
    public void SignThenVerify_EveryScheme_Succeeds(SourceOptions source, string secret)
    {
        var headers = WebhookSigners.CreateHeaders(new SigningContext(secret, DeliveryId, Now, Body, source));

        var result = VerifierRegistry.Get(source.Verification).Verify(Context(source, headers, Body));

        Assert.True(result.Succeeded, $"{source.Verification}: {result.ErrorCode} {result.Message}");
    }

    [Theory]
    [MemberData(nameof(SchemeSources))]
    public void SignThenVerify_TamperedBody_FailsForEverySigningScheme(SourceOptions source, string secret)
    {
        var headers = WebhookSigners.CreateHeaders(new SigningContext(secret, DeliveryId, Now, Body, source));
        var tampered = Utf8("{\"id\":\"evt_77\",\"event_id\":\"Ev77\",\"amount\":4200}");

        var result = VerifierRegistry.Get(source.Verification).Verify(Context(source, headers, tampered));

        var bodyIsSigned = source.Verification is not (VerificationSchemes.ApiKey or VerificationSchemes.None);
        Assert.Equal(!bodyIsSigned, result.Succeeded);
    }

    [Theory]
    [MemberData(nameof(SchemeSources))]
    public void SignThenExtract_ProviderDeliveryIdSurvives(SourceOptions source, string secret)
    {
        var headers = WebhookSigners.CreateHeaders(new SigningContext(secret, DeliveryId, Now, Body, source));

        var id = DeliveryIdExtractor.Extract(source.Verification, headers.ToRequestHeaders(), Body);

        var expected = source.Verification switch
        {
            VerificationSchemes.Stripe => "evt_77",
            VerificationSchemes.Slack => "Ev77",
            _ => DeliveryId,
        };
        Assert.Equal(expected, id);
    }

    [Fact]
    public void SignThenVerify_AnHourLater_IsOutOfWindowForTimestampedSchemes()
    {
        foreach (var scheme in new[] { VerificationSchemes.StandardWebhooks, VerificationSchemes.Stripe, VerificationSchemes.Slack })
        {
            var source = Source(scheme, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            var headers = WebhookSigners.CreateHeaders(new SigningContext(source.Secrets[0], DeliveryId, Now, Body, source));

            var result = VerifierRegistry.Get(scheme).Verify(Context(source, headers, Body, Now.AddHours(1)));

            Assert.Equal("timestampOutOfWindow", result.ErrorCode);
        }
    }

    [Fact]
    public void StandardWebhooksSigner_ReproducesThePublishedSpecVector()
    {
        // standard-webhooks/standard-webhooks libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs (verifyWebhookSignWorks).
        var signature = StandardWebhooksSigner.Sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            DateTimeOffset.FromUnixTimeSeconds(1614265330), Utf8("{\"test\": 2432232314}"));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void StandardWebhooksSigner_CreateHeaders_SendsIdTimestampAndSignature()
    {
        var headers = StandardWebhooksSigner.CreateHeaders(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            DateTimeOffset.FromUnixTimeSeconds(1614265330), Utf8("{\"test\": 2432232314}"));

        Assert.Equal("msg_p5jXN8AQM9LWM0D4loKWxJek", headers["Webhook-Id"]);
        Assert.Equal("1614265330", headers["webhook-timestamp"]);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", headers["webhook-signature"]);
    }

    [Fact]
    public void GitHubSigner_ReproducesTheDocumentedExample()
    {
        // docs.github.com "Validating webhook deliveries"; openssl dgst -sha256 -hmac "It's a Secret to Everybody".
        Assert.Equal(
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            GitHubSigner.Sign("It's a Secret to Everybody", Utf8("Hello, World!")));
    }

    [Fact]
    public void StripeSigner_ReproducesTheHandDerivedVector()
    {
        // printf '%s' '1700000000.{"id":"evt_1","type":"invoice.paid"}' | openssl dgst -sha256 -hmac 'whsec_stripe_test_secret'
        Assert.Equal(
            "t=1700000000,v1=6e9cacdbdae9b5b4e5bc158ef10146ccd5ce3618eb606cc09bbc37235d154bae",
            StripeSigner.Sign("whsec_stripe_test_secret", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Utf8("{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}")));
    }

    [Fact]
    public void SlackSigner_ReproducesTheDocumentedExample()
    {
        const string body =
            "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
            + "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
            + "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

        Assert.Equal(
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
            SlackSigner.Sign("8f742231b10e8888abcd99yyyzzz85a5", DateTimeOffset.FromUnixTimeSeconds(1531420618), Utf8(body)));
    }

    [Theory]
    [InlineData(false, null, "6c38991b861313bc195250b23ca39727d1f5142703f8b9b633461fc925257a57")]
    [InlineData(false, "sha256=", "sha256=6c38991b861313bc195250b23ca39727d1f5142703f8b9b633461fc925257a57")]
    [InlineData(true, null, "bDiZG4YTE7wZUlCyPKOXJ9H1FCcD+Lm2M0YfySUlelc=")]
    public void HmacSha256Signer_ReproducesTheHandDerivedVectors(bool base64, string? prefix, string expected)
    {
        // printf '%s' '{"order":42}' | openssl dgst -sha256 -hmac 'shop-secret' [-binary | base64]
        Assert.Equal(expected, HmacSha256Signer.Sign("shop-secret", Utf8("{\"order\":42}"), base64, prefix));
    }

    [Fact]
    public void ApiKeySigner_SendsTheKeyInTheSourcesHeader()
    {
        var source = new SourceOptions { Verification = VerificationSchemes.ApiKey, ApiKeyHeader = "X-Partner-Key" };

        var headers = ApiKeySigner.Instance.CreateHeaders(new SigningContext("k-123", DeliveryId, Now, Body, source));

        Assert.Equal("k-123", headers["x-partner-key"]);
        Assert.False(headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public void CreateHeaders_WithoutSource_Throws()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigners.CreateHeaders(new SigningContext("s", DeliveryId, Now, Body)));
    }
}
