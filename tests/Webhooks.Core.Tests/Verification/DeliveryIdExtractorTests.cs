using Webhooks.Configuration;
using Webhooks.Intake;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class DeliveryIdExtractorTests
{
    private static readonly DictionaryRequestHeaders ProviderHeaders = new(
    [
        Header("webhook-id", "msg_1"),
        Header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    ]);

    [Theory]
    [InlineData(VerificationSchemes.StandardWebhooks, "msg_1")]
    [InlineData(VerificationSchemes.GitHub, "72d3162e-cc78-11e3-81ab-4c9367dc0958")]
    [InlineData("GitHub", "72d3162e-cc78-11e3-81ab-4c9367dc0958")]
    [InlineData(VerificationSchemes.HmacSha256, "msg_1")]
    [InlineData(VerificationSchemes.ApiKey, "msg_1")]
    [InlineData(VerificationSchemes.None, "msg_1")]
    [InlineData(VerificationSchemes.Stripe, null)]
    [InlineData(VerificationSchemes.Slack, null)]
    public void FromHeaders_ReadsTheSchemesIdHeader(string scheme, string? expected)
    {
        Assert.Equal(expected, DeliveryIdExtractor.FromHeaders(scheme, ProviderHeaders));
    }

    [Theory]
    [InlineData(VerificationSchemes.Stripe, "{\"data\":{\"object\":{\"id\":\"in_1\"}},\"id\":\"evt_1NG8Du2eZvKYlo2CUI79vXWy\"}", "evt_1NG8Du2eZvKYlo2CUI79vXWy")]
    [InlineData(VerificationSchemes.Slack, "{\"type\":\"event_callback\",\"event\":{\"event_id\":\"nested\"},\"event_id\":\"Ev08MFMKH6\"}", "Ev08MFMKH6")]
    [InlineData(VerificationSchemes.Slack, "{\"type\":\"url_verification\",\"challenge\":\"abc\"}", null)]
    [InlineData(VerificationSchemes.Stripe, "{\"id\":42}", null)]
    [InlineData(VerificationSchemes.Stripe, "{\"id\":null}", null)]
    [InlineData(VerificationSchemes.Stripe, "{\"id\":\"has space\"}", null)]
    [InlineData(VerificationSchemes.Stripe, "{\"id\":\"\"}", null)]
    [InlineData(VerificationSchemes.Stripe, "[{\"id\":\"evt_1\"}]", null)]
    [InlineData(VerificationSchemes.Stripe, "{\"id\":\"evt_1\"", "evt_1")]
    [InlineData(VerificationSchemes.Stripe, "{\"type\":\"x\",", null)]
    [InlineData(VerificationSchemes.Stripe, "not json", null)]
    [InlineData(VerificationSchemes.Stripe, "", null)]
    [InlineData(VerificationSchemes.GitHub, "{\"id\":\"evt_1\"}", null)]
    public void FromJsonBody_ReadsOnlyTopLevelStringIdForStripeAndSlack(string scheme, string body, string? expected)
    {
        Assert.Equal(expected, DeliveryIdExtractor.FromJsonBody(scheme, Utf8(body)));
    }

    [Fact]
    public void FromJsonBody_DeeplyNestedOrInvalidUtf8_ReturnsNullWithoutThrowing()
    {
        var deep = Utf8("{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + ",\"id\":\"evt_1\"}");
        byte[] invalidUtf8 = [.. Utf8("{\"id\":\"evt_"), 0xC3, 0x28, .. Utf8("\"}")];

        Assert.Null(DeliveryIdExtractor.FromJsonBody(VerificationSchemes.Stripe, deep));
        Assert.Null(DeliveryIdExtractor.FromJsonBody(VerificationSchemes.Stripe, invalidUtf8));
    }

    [Fact]
    public void Extract_PrefersHeaderThenBody()
    {
        var body = Utf8("{\"id\":\"evt_9\"}");

        Assert.Equal("msg_1", DeliveryIdExtractor.Extract(VerificationSchemes.StandardWebhooks, ProviderHeaders, body));
        Assert.Equal("evt_9", DeliveryIdExtractor.Extract(VerificationSchemes.Stripe, ProviderHeaders, body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    [InlineData("line\nbreak")]
    public void FromHeaders_UnusableId_IsIgnored(string id)
    {
        var headers = new DictionaryRequestHeaders([Header("webhook-id", id)]);

        Assert.Null(DeliveryIdExtractor.FromHeaders(VerificationSchemes.StandardWebhooks, headers));
    }

    [Fact]
    public void FromHeaders_TooLongOrRepeatedId_IsIgnored()
    {
        var tooLong = new DictionaryRequestHeaders([Header("webhook-id", new string('a', DeliveryIdExtractor.MaxLength + 1))]);
        var longest = new DictionaryRequestHeaders([Header("webhook-id", new string('a', DeliveryIdExtractor.MaxLength))]);
        var repeated = new DictionaryRequestHeaders([Header("webhook-id", "a"), Header("webhook-id", "b")]);

        Assert.Null(DeliveryIdExtractor.FromHeaders(VerificationSchemes.StandardWebhooks, tooLong));
        Assert.NotNull(DeliveryIdExtractor.FromHeaders(VerificationSchemes.StandardWebhooks, longest));
        Assert.Null(DeliveryIdExtractor.FromHeaders(VerificationSchemes.StandardWebhooks, repeated));
    }
}
