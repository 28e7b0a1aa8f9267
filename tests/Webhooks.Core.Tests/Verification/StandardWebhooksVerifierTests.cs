using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class StandardWebhooksVerifierTests
{
    // The Standard Webhooks reference test vector: standard-webhooks/standard-webhooks,
    // libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs (verifyWebhookSignWorks, commit 1e88c9ce).
    // Re-derived here with:
    //   printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' \
    //     | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p -c 256) -binary | base64
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string SpecTimestamp = "1614265330";
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private const string Scheme = VerificationSchemes.StandardWebhooks;
    private const string Id = "msg_2x7Jd0c9";
    private const string BodyText = "{\"type\":\"order.paid\",\"amount\":42}";
    private static readonly byte[] Body = Utf8(BodyText);
    private static readonly byte[] KeyA = Convert.FromBase64String("c2VjcmV0LWtleS1udW1iZXItb25lLTMyLWJ5dGVzISE=");
    private static readonly byte[] KeyB = Convert.FromBase64String("YW5vdGhlci1rZXktZm9yLXJvdGF0aW9uLXRlc3RzISE=");
    private static readonly string SecretA = "whsec_" + Convert.ToBase64String(KeyA);
    private static readonly string SecretB = "whsec_" + Convert.ToBase64String(KeyB);

    [Fact]
    public void Verify_PublishedSpecVector_Succeeds()
    {
        var headers = SpecHeaders(SpecSignature);

        var result = Verify(Scheme, Source(Scheme, SpecSecret), headers, Utf8(SpecBody), DateTimeOffset.FromUnixTimeSeconds(1614265330));

        Assert.Equal(VerificationResult.Success, result);
        Assert.Equal(200, result.Status);
    }

    [Fact]
    public void Verify_PublishedSpecVector_WithSecretWithoutPrefix_Succeeds()
    {
        var result = Verify(
            Scheme, Source(Scheme, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), SpecHeaders(SpecSignature), Utf8(SpecBody),
            DateTimeOffset.FromUnixTimeSeconds(1614265330));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_SignatureComputedWithBclHmac_Succeeds()
    {
        var timestamp = NowSeconds.ToString();
        var signature = "v1," + HmacBase64(KeyA, $"{Id}.{timestamp}.{BodyText}");

        var result = Verify(Scheme, Source(Scheme, SecretA), Headers(Id, timestamp, signature), Body);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_SignatureBySecondOfTwoSecrets_Succeeds()
    {
        var timestamp = NowSeconds.ToString();
        var signature = "v1," + HmacBase64(KeyB, $"{Id}.{timestamp}.{BodyText}");

        var result = Verify(Scheme, Source(Scheme, SecretA, SecretB), Headers(Id, timestamp, signature), Body);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_SeveralSignaturesWhereOnlyOneMatches_Succeeds()
    {
        var timestamp = NowSeconds.ToString();
        var good = HmacBase64(KeyB, $"{Id}.{timestamp}.{BodyText}");
        var wrong = HmacBase64(KeyA, $"{Id}.{timestamp}.{BodyText}");
        var list = $"v1,{wrong} v2,{good} v1a,{good} garbage v1,{good} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

        var result = Verify(Scheme, Source(Scheme, SecretB), Headers(Id, timestamp, list), Body);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_CorrectMacUnderAnotherVersionTag_Returns401InvalidSignature()
    {
        var timestamp = NowSeconds.ToString();
        var good = HmacBase64(KeyA, $"{Id}.{timestamp}.{BodyText}");

        var result = Verify(Scheme, Source(Scheme, SecretA), Headers(Id, timestamp, $"v2,{good} v1a,{good}"), Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    [InlineData(86_400)]
    public void Verify_TimestampOutsideDefaultWindow_Returns401TimestampOutOfWindow(int offsetSeconds)
    {
        var timestamp = (NowSeconds + offsetSeconds).ToString();

        var result = Verify(Scheme, Source(Scheme, SecretA), SignedHeaders(timestamp), Body);

        AssertUnauthorized(result, ErrorCodes.TimestampOutOfWindow);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(0)]
    [InlineData(300)]
    public void Verify_TimestampAtOrInsideWindowEdge_Succeeds(int offsetSeconds)
    {
        var timestamp = (NowSeconds + offsetSeconds).ToString();

        var result = Verify(Scheme, Source(Scheme, SecretA), SignedHeaders(timestamp), Body);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_StaleTimestampBeyondConfiguredTolerance_Returns401()
    {
        var source = Source(Scheme, SecretA);
        source.ToleranceSeconds = 60;

        var result = Verify(Scheme, source, SignedHeaders((NowSeconds - 61).ToString()), Body);

        AssertUnauthorized(result, ErrorCodes.TimestampOutOfWindow);
    }

    [Fact]
    public void Verify_TimeComesFromContextNotWallClock()
    {
        var longAgo = DateTimeOffset.FromUnixTimeSeconds(1_000_000_000);
        var timestamp = longAgo.ToUnixTimeSeconds().ToString();

        var atThatTime = VerifierRegistry.Get(Scheme).Verify(Context(Source(Scheme, SecretA), SignedHeaders(timestamp), Body, longAgo));
        var now = VerifierRegistry.Get(Scheme).Verify(Context(Source(Scheme, SecretA), SignedHeaders(timestamp), Body));

        Assert.True(atThatTime.Succeeded);
        AssertUnauthorized(now, ErrorCodes.TimestampOutOfWindow);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public void Verify_MissingHeader_Returns401MissingSignature(string missing)
    {
        var headers = SignedHeaders(NowSeconds.ToString()).Where(h => h.Key != missing);

        var result = Verify(Scheme, Source(Scheme, SecretA), headers, Body);

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public void Verify_EmptyHeader_Returns401MissingSignature(string empty)
    {
        var headers = SignedHeaders(NowSeconds.ToString()).Select(h => h.Key == empty ? Header(h.Key, "") : h);

        var result = Verify(Scheme, Source(Scheme, SecretA), headers, Body);

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    [Fact]
    public void Verify_TamperedBody_Returns401InvalidSignature()
    {
        var tampered = Utf8("{\"type\":\"order.paid\",\"amount\":4200}");

        var result = Verify(Scheme, Source(Scheme, SecretA), SignedHeaders(NowSeconds.ToString()), tampered);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("webhook-id", "msg_other")]
    [InlineData("webhook-timestamp", "1767225601")]
    public void Verify_TamperedSignedHeader_Returns401InvalidSignature(string name, string value)
    {
        var headers = SignedHeaders(NowSeconds.ToString()).Select(h => h.Key == name ? Header(name, value) : h);

        var result = Verify(Scheme, Source(Scheme, SecretA), headers, Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_SignatureByUnconfiguredSecret_Returns401InvalidSignature()
    {
        var result = Verify(Scheme, Source(Scheme, SecretB), SignedHeaders(NowSeconds.ToString()), Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("whsec_")]
    public void Verify_SignatureWithEmptyKey_IsNeverAcceptedFromBlankSecret(string blankSecret)
    {
        var timestamp = NowSeconds.ToString();
        var signature = "v1," + HmacBase64([], $"{Id}.{timestamp}.{BodyText}");

        var result = Verify(Scheme, Source(Scheme, blankSecret), Headers(Id, timestamp, signature), Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("v1,")]
    [InlineData("v1")]
    [InlineData(",,,, ,,")]
    [InlineData("v1,!!!!not-base64!!!!")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==")]
    [InlineData("v1,AAAA")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,\u00e9\u00e9\u00e9\ud800")]
    public void Verify_MalformedSignature_Returns401InvalidSignature(string signature)
    {
        var result = Verify(Scheme, Source(Scheme, SecretA), Headers(Id, NowSeconds.ToString(), signature), Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_HugeSignatureList_Returns401WithoutThrowing()
    {
        var huge = string.Join(' ', Enumerable.Repeat("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", 5_000)) + new string('x', 100_000);

        var result = Verify(Scheme, Source(Scheme, SecretA), Headers(Id, NowSeconds.ToString(), huge), Body);

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("+1767225600")]
    [InlineData("1767225600.5")]
    [InlineData(" 1767225600")]
    [InlineData("1e9")]
    [InlineData("99999999999999999999999999")]
    [InlineData("9223372036854775807")]
    public void Verify_MalformedOrAbsurdTimestamp_Returns401(string timestamp)
    {
        var result = Verify(Scheme, Source(Scheme, SecretA), SignedHeaders(timestamp), Body);

        Assert.False(result.Succeeded);
        Assert.Equal(401, result.Status);
        Assert.Contains(result.ErrorCode, new[] { ErrorCodes.InvalidSignature, ErrorCodes.TimestampOutOfWindow });
    }

    [Fact]
    public void Verify_PublishedSpecVector_UnderSvixHeaderNames_Succeeds()
    {
        KeyValuePair<string, string>[] headers = [Header("svix-id", SpecId), Header("svix-timestamp", SpecTimestamp), Header("svix-signature", SpecSignature)];

        var result = Verify(Scheme, Source(Scheme, SpecSecret), headers, Utf8(SpecBody), DateTimeOffset.FromUnixTimeSeconds(1614265330));

        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public void Verify_SvixHeadersWithAWrongSignature_Returns401InvalidSignature()
    {
        KeyValuePair<string, string>[] headers = [Header("svix-id", SpecId), Header("svix-timestamp", SpecTimestamp), Header("svix-signature", "v1,AAAA")];

        AssertUnauthorized(Verify(Scheme, Source(Scheme, SpecSecret), headers, Utf8(SpecBody), DateTimeOffset.FromUnixTimeSeconds(1614265330)), ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_AMixOfTheTwoHeaderFamilies_Returns401MissingSignature()
    {
        KeyValuePair<string, string>[] headers = [Header("svix-id", SpecId), Header("webhook-timestamp", SpecTimestamp), Header("svix-signature", SpecSignature)];

        AssertUnauthorized(Verify(Scheme, Source(Scheme, SpecSecret), headers, Utf8(SpecBody), DateTimeOffset.FromUnixTimeSeconds(1614265330)), ErrorCodes.MissingSignature);
    }

    [Fact]
    public void Verify_BothFamiliesPresent_TheWebhookFamilyDecides()
    {
        KeyValuePair<string, string>[] headers = [.. SpecHeaders(SpecSignature), Header("svix-id", "other"), Header("svix-timestamp", "1"), Header("svix-signature", "v1,AAAA")];

        Assert.True(Verify(Scheme, Source(Scheme, SpecSecret), headers, Utf8(SpecBody), DateTimeOffset.FromUnixTimeSeconds(1614265330)).Succeeded);
    }

    [Fact]
    public void DeliveryId_OfASvixDelivery_IsItsSvixId()
    {
        var headers = new Webhooks.Intake.DictionaryRequestHeaders([Header("svix-id", SpecId), Header("svix-timestamp", SpecTimestamp), Header("svix-signature", SpecSignature)]);

        Assert.Equal(SpecId, DeliveryIdExtractor.FromHeaders(Scheme, headers));
    }

    private static KeyValuePair<string, string>[] SpecHeaders(string signature) => Headers(SpecId, SpecTimestamp, signature);

    private static KeyValuePair<string, string>[] Headers(string id, string timestamp, string signature) =>
    [
        Header("webhook-id", id),
        Header("webhook-timestamp", timestamp),
        Header("webhook-signature", signature),
    ];

    /// <summary>Headers correctly signed with <see cref="KeyA"/> for <see cref="Body"/> at the given timestamp text.</summary>
    private static KeyValuePair<string, string>[] SignedHeaders(string timestamp) =>
        Headers(Id, timestamp, "v1," + HmacBase64(KeyA, $"{Id}.{timestamp}.{BodyText}"));

    internal static void AssertUnauthorized(VerificationResult result, string errorCode)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.Status);
        Assert.Equal(errorCode, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }
}
