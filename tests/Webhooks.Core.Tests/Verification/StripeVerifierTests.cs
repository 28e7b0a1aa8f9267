using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.StandardWebhooksVerifierTests;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class StripeVerifierTests
{
    // Stripe publishes no fixed vector; this one was made by hand with:
    //   printf '%s' '1700000000.{"id":"evt_1","type":"invoice.paid"}' | openssl dgst -sha256 -hmac 'whsec_stripe_test_secret'
    private const string VectorSecret = "whsec_stripe_test_secret";
    private const long VectorTimestamp = 1_700_000_000;
    private const string VectorBody = "{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}";
    private const string VectorMac = "6e9cacdbdae9b5b4e5bc158ef10146ccd5ce3618eb606cc09bbc37235d154bae";

    private const string Scheme = VerificationSchemes.Stripe;
    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);

    [Fact]
    public void Verify_HandDerivedVector_Succeeds()
    {
        var result = VerifyVector($"t={VectorTimestamp},v1={VectorMac}");

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_WhsecSecretIsUsedAsTextNotBase64()
    {
        // Same header, but with the key Standard Webhooks would derive: must not match.
        var result = Verify(
            Scheme, Source(Scheme, "stripe_test_secret"), [Header("Stripe-Signature", $"t={VectorTimestamp},v1={VectorMac}")],
            Utf8(VectorBody), VectorTime);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("t=1700000000,v1=0000000000000000000000000000000000000000000000000000000000000000,v1=" + VectorMac)]
    [InlineData("v1=" + VectorMac + ",t=1700000000")]
    [InlineData("t=1700000000, v1=" + VectorMac + ", v0=" + VectorMac)]
    [InlineData("t=1700000000,v0=ffff,v1=garbage,v1=" + VectorMac + ",x=y,novalue")]
    public void Verify_HeaderVariantsWithOneMatchingV1_Succeed(string header)
    {
        Assert.True(VerifyVector(header).Succeeded);
    }

    [Fact]
    public void Verify_MatchingMacOnlyInV0_Returns401InvalidSignature()
    {
        var result = VerifyVector($"t={VectorTimestamp},v1=0000000000000000000000000000000000000000000000000000000000000000,v0={VectorMac}");

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_SignatureBySecondOfTwoSecrets_Succeeds()
    {
        var t = NowSeconds;
        var body = "{\"id\":\"evt_2\"}";
        var header = $"t={t},v1={HmacHex("whsec_new", $"{t}.{body}")}";

        var result = Verify(Scheme, Source(Scheme, "whsec_old", "whsec_new"), [Header("Stripe-Signature", header)], Utf8(body));

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-100_000)]
    [InlineData(100_000)]
    public void Verify_TimestampOutsideWindow_Returns401TimestampOutOfWindow(int offsetSeconds)
    {
        var result = VerifyVector($"t={VectorTimestamp},v1={VectorMac}", VectorTime.AddSeconds(-offsetSeconds));

        AssertUnauthorized(result, ErrorCodes.TimestampOutOfWindow);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_TimestampAtWindowEdge_Succeeds(int offsetSeconds)
    {
        Assert.True(VerifyVector($"t={VectorTimestamp},v1={VectorMac}", VectorTime.AddSeconds(-offsetSeconds)).Succeeded);
    }

    [Fact]
    public void Verify_TamperedBody_Returns401InvalidSignature()
    {
        var result = Verify(
            Scheme, Source(Scheme, VectorSecret), [Header("Stripe-Signature", $"t={VectorTimestamp},v1={VectorMac}")],
            Utf8("{\"id\":\"evt_1\",\"type\":\"invoice.void\"}"), VectorTime);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_TamperedTimestamp_Returns401InvalidSignature()
    {
        var result = VerifyVector($"t={VectorTimestamp + 1},v1={VectorMac}");

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData(",,,,")]
    [InlineData("t=,v1=")]
    [InlineData("v1=" + VectorMac)]
    [InlineData("t=1700000000")]
    [InlineData("t=abc,v1=" + VectorMac)]
    [InlineData("t=-1700000000,v1=" + VectorMac)]
    [InlineData("t=1700000000,v1=" + VectorMac + "00")]
    [InlineData("t=1700000000,v1=not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex!")]
    [InlineData("t=99999999999999999999999,v1=" + VectorMac)]
    public void Verify_MalformedHeader_Returns401(string header)
    {
        var result = VerifyVector(header);

        Assert.False(result.Succeeded);
        Assert.Equal(401, result.Status);
        Assert.Equal(ErrorCodes.InvalidSignature, result.ErrorCode);
    }

    [Fact]
    public void Verify_HugeHeader_Returns401WithoutThrowing()
    {
        var header = "t=1700000000," + string.Join(',', Enumerable.Repeat("v1=" + new string('a', 64), 3_000));

        AssertUnauthorized(VerifyVector(header), ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_MissingOrEmptyHeader_Returns401MissingSignature(string? value)
    {
        KeyValuePair<string, string>[] headers = value is null ? [] : [Header("Stripe-Signature", value)];

        var result = Verify(Scheme, Source(Scheme, VectorSecret), headers, Utf8(VectorBody), VectorTime);

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    private static VerificationResult VerifyVector(string header, DateTimeOffset? now = null) =>
        Verify(Scheme, Source(Scheme, VectorSecret), [Header("Stripe-Signature", header)], Utf8(VectorBody), now ?? VectorTime);

    [Theory]
    [InlineData("v1=zz")]
    [InlineData("v1=")]
    [InlineData("v0=6e9cacdbdae9b5b4e5bc158ef10146ccd5ce3618eb606cc09bbc37235d154bae")]
    public void Verify_NoWellFormedV1_IsRefusedFromTheHeadersAlone_BeforeAnyBodyMacIsPlanned(string signatures)
    {
        using var macs = new StreamedBodyMacs();
        var now = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);
        var context = new VerificationContext(
            "shop",
            Source(Scheme, VectorSecret),
            new Webhooks.Intake.DictionaryRequestHeaders([Header("Stripe-Signature", $"t={VectorTimestamp},{signatures}")]),
            ReadOnlyMemory<byte>.Empty,
            now,
            new Dictionary<string, SourceOptions>()) { Macs = macs };

        var result = new StripeVerifier().Verify(context);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
        Assert.False(macs.Requested);
    }
}
