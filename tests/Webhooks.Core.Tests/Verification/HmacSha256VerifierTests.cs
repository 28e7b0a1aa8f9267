using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.StandardWebhooksVerifierTests;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class HmacSha256VerifierTests
{
    // Made by hand with:
    //   printf '%s' '{"order":42}' | openssl dgst -sha256 -hmac 'shop-secret'                   (hex)
    //   printf '%s' '{"order":42}' | openssl dgst -sha256 -hmac 'shop-secret' -binary | base64  (base64)
    private const string Secret = "shop-secret";
    private const string BodyText = "{\"order\":42}";
    private const string Hex = "6c38991b861313bc195250b23ca39727d1f5142703f8b9b633461fc925257a57";
    private const string Base64 = "bDiZG4YTE7wZUlCyPKOXJ9H1FCcD+Lm2M0YfySUlelc=";

    private const string Scheme = VerificationSchemes.HmacSha256;

    public static TheoryData<string, string?, string, string> AcceptedConfigurations => new()
    {
        // header, prefix, encoding, header value sent
        { "X-Signature", null, "hex", Hex },
        { "X-Signature", null, "HEX", Hex.ToUpperInvariant() },
        { "X-Shop-Hmac", null, "base64", Base64 },
        { "X-Shop-Hmac", "sha256=", "hex", "sha256=" + Hex },
        { "X-Shop-Hmac", "sha256=", "hex", "SHA256=" + Hex },
        { "X-Shop-Hmac", "sha256=", "hex", Hex },
        { "X-Shop-Hmac", "hmac ", "Base64", "hmac " + Base64 },
    };

    [Theory]
    [MemberData(nameof(AcceptedConfigurations))]
    public void Verify_HandDerivedVectorInConfiguredHeaderAndEncoding_Succeeds(string header, string? prefix, string encoding, string value)
    {
        var source = Configure(header, prefix, encoding, Secret);

        var result = Verify(Scheme, source, [Header(header, value)], Utf8(BodyText));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_SignatureBySecondOfTwoSecrets_Succeeds()
    {
        var source = Configure("X-Signature", null, "hex", "retired", Secret);

        Assert.True(Verify(Scheme, source, [Header("X-Signature", Hex)], Utf8(BodyText)).Succeeded);
    }

    [Theory]
    [InlineData("hex", Base64)]
    [InlineData("base64", Hex)]
    [InlineData("hex", "garbage")]
    [InlineData("base64", "!!!!")]
    [InlineData("hex", "")]
    [InlineData("base64", "bDiZG4YTE7wZUlCyPKOXJ9H1FCcD+Lm2M0YfySUlelc")]
    public void Verify_WrongEncodingOrGarbage_Returns401(string encoding, string value)
    {
        var source = Configure("X-Signature", null, encoding, Secret);

        var result = Verify(Scheme, source, [Header("X-Signature", value + " ")], Utf8(BodyText));

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_TamperedBody_Returns401InvalidSignature()
    {
        var result = Verify(Scheme, Configure("X-Signature", null, "hex", Secret), [Header("X-Signature", Hex)], Utf8("{\"order\":43}"));

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_SignatureInOtherThanConfiguredHeader_Returns401MissingSignature()
    {
        var result = Verify(Scheme, Configure("X-Shop-Hmac", null, "hex", Secret), [Header("X-Signature", Hex)], Utf8(BodyText));

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    private static SourceOptions Configure(string header, string? prefix, string encoding, params string[] secrets)
    {
        var source = Source(Scheme, secrets);
        source.SignatureHeader = header;
        source.SignaturePrefix = prefix;
        source.SignatureEncoding = encoding;
        return source;
    }
}
