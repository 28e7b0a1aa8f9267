using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.StandardWebhooksVerifierTests;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class SlackVerifierTests
{
    // Slack's worked example ("Verifying requests from Slack", api.slack.com/authentication/verifying-requests-from-slack),
    // re-derived with: printf '%s' "v0:1531420618:$DocsBody" | openssl dgst -sha256 -hmac '8f742231b10e8888abcd99yyyzzz85a5'
    private const string DocsSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocsTimestamp = "1531420618";
    private const string DocsBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
        + "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
        + "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string DocsSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private const string Scheme = VerificationSchemes.Slack;
    private static readonly DateTimeOffset DocsTime = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Verify_DocumentedExample_Succeeds()
    {
        Assert.True(VerifyDocs(DocsSignature, DocsTimestamp, DocsBody, DocsTime).Succeeded);
    }

    [Fact]
    public void Verify_SignatureBySecondOfTwoSecrets_Succeeds()
    {
        var ts = NowSeconds.ToString();
        var body = "{\"type\":\"event_callback\",\"event_id\":\"Ev1\"}";
        var signature = "v0=" + HmacHex("second", $"v0:{ts}:{body}");

        var result = Verify(
            Scheme, Source(Scheme, "first", "second"),
            [Header("X-Slack-Signature", signature), Header("X-Slack-Request-Timestamp", ts)], Utf8(body));

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-365 * 86_400)]
    public void Verify_TimestampOutsideWindow_Returns401TimestampOutOfWindow(int offsetSeconds)
    {
        var result = VerifyDocs(DocsSignature, DocsTimestamp, DocsBody, DocsTime.AddSeconds(-offsetSeconds));

        AssertUnauthorized(result, ErrorCodes.TimestampOutOfWindow);
    }

    [Fact]
    public void Verify_TamperedBody_Returns401InvalidSignature()
    {
        AssertUnauthorized(VerifyDocs(DocsSignature, DocsTimestamp, DocsBody + "&x=1", DocsTime), ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_TamperedTimestamp_Returns401InvalidSignature()
    {
        AssertUnauthorized(VerifyDocs(DocsSignature, "1531420619", DocsBody, DocsTime), ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("v0=")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5")]
    [InlineData("v0=oWFNV7SOrDm5rRid2DFiNae0qNIaEL0nUZZmSJxptQM=")]
    public void Verify_MalformedSignature_Returns401InvalidSignature(string signature)
    {
        AssertUnauthorized(VerifyDocs(signature, DocsTimestamp, DocsBody, DocsTime), ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("1531420618.5")]
    [InlineData("-1531420618")]
    public void Verify_MalformedTimestamp_Returns401InvalidSignature(string timestamp)
    {
        AssertUnauthorized(VerifyDocs(DocsSignature, timestamp, DocsBody, DocsTime), ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("X-Slack-Signature")]
    [InlineData("X-Slack-Request-Timestamp")]
    public void Verify_MissingHeader_Returns401MissingSignature(string missing)
    {
        var headers = new[] { Header("X-Slack-Signature", DocsSignature), Header("X-Slack-Request-Timestamp", DocsTimestamp) }
            .Where(h => h.Key != missing);

        var result = Verify(Scheme, Source(Scheme, DocsSecret), headers, Utf8(DocsBody), DocsTime);

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    private static VerificationResult VerifyDocs(string signature, string timestamp, string body, DateTimeOffset now) =>
        Verify(
            Scheme, Source(Scheme, DocsSecret),
            [Header("X-Slack-Signature", signature), Header("X-Slack-Request-Timestamp", timestamp)], Utf8(body), now);
}
