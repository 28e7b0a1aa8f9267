using System.Text;
using System.Text.Json;
using Webhooks.Intake;

namespace Webhooks.Core.Tests.Intake;

/// <summary>
/// Sender data System.Text.Json cannot read as text (escaped lone surrogates, values of another kind) is "not
/// there", never a 500; a byte-order mark is ignored; a refused body says what is wrong in the sender's words.
/// </summary>
public sealed class HostileBodyTests
{
    [Fact]
    public async Task SlackDelivery_WhoseTypeIsNotAString_IsJudgedByTheRules_NotACrash()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["slack"];

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":1}"""));

        Assert.Equal(422, response.Status);
        Assert.Equal("invalidArguments", response.ErrorCode);
    }

    [Fact]
    public async Task SlackUrlVerification_WithALoneSurrogateChallenge_IsNotEchoed()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["slack"];

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":"url_verification","challenge":"\ud800"}"""));

        Assert.Equal(422, response.Status);
        Assert.Empty(harness.Queued);
    }

    [Fact]
    public async Task EventGridValidation_WithALoneSurrogateCode_IsNotEchoed()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["event-grid"];
        const string body = """[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"\ud800"}}]""";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body, headers: [new("aeg-event-type", "SubscriptionValidation")]));

        Assert.Equal(422, response.Status);
    }

    [Fact]
    public async Task EventGridValidation_WithALoneSurrogateKey_IsStillAnswered()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["event-grid"];
        const string body = """[{"\ud800":1,"data":{"validationCode":"code-1","\udc00":2}}]""";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body, headers: [new("aeg-event-type", "SubscriptionValidation")]));

        Assert.Equal(200, response.Status);
        using var answer = JsonDocument.Parse(response.Body);
        Assert.Equal("code-1", answer.RootElement.GetProperty("validationResponse").GetString());
    }

    [Fact]
    public async Task RequiredFieldsAndPartitionKey_AfterALoneSurrogateKey_AreStillFound()
    {
        var harness = new IntakeHarness();
        harness.Shop.PartitionKey = "data.key";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":"t","data":{"id":1,"key":"k"},"\ud800":1}"""));

        Assert.Equal(202, response.Status);
        Assert.Equal("k", Assert.Single(harness.Queued).Envelope.PartitionKey);
    }

    [Fact]
    public async Task PartitionKey_ThatIsALoneSurrogate_SpreadsRoundRobin()
    {
        var harness = new IntakeHarness();
        harness.Shop.PartitionKey = "data.key";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":"t","data":{"id":1,"key":"\ud800"}}"""));

        Assert.Equal(202, response.Status);
        Assert.Null(Assert.Single(harness.Queued).Envelope.PartitionKey);
    }

    [Fact]
    public async Task RequiredField_WhoseOnlyNameIsALoneSurrogate_IsMissing()
    {
        var response = await new IntakeHarness().Build().HandleAsync(IntakeHarness.Request(body: """{"\ud800":"t","data":{"id":1}}"""));

        Assert.Equal(422, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("type", out _));
    }

    [Fact]
    public async Task LeadingByteOrderMark_IsIgnored_AndTheBodyIsQueuedByteForByte()
    {
        var harness = new IntakeHarness();
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(IntakeHarness.ValidBody)];

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(rawBody: body));

        Assert.Equal(202, response.Status);
        Assert.Equal(body, Assert.Single(harness.Queued).Envelope.Body);
    }

    [Theory]
    [InlineData("{\"type\":\"t\",}", "The body is not valid JSON: expected a property name (line 1, byte 13).")]
    [InlineData("{\"type\":\"t\"", "The body is not valid JSON: the body ends before the JSON value is complete (line 1, byte 12).")]
    [InlineData("{\n\"type\":\"t\"\n\"data\":{}}", "The body is not valid JSON: expected ',' or '}' (line 3, byte 1).")]
    public async Task InvalidJson_SaysWhatIsWrongAndWhere_WithoutParserInternals(string body, string expected)
    {
        var response = await new IntakeHarness().Build().HandleAsync(IntakeHarness.Request(body: body));

        Assert.Equal(400, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(expected, problem.RootElement.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.DoesNotContain("reader options", problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("é.example.com")]
    [InlineData("evil.example.com\r\nSet-Cookie: a=b")]
    [InlineData("a b")]
    public async Task CloudEventsOptions_WithAnOriginThatIsNotADnsName_Returns400_AndEchoesNothing(string origin)
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["cloudevents"];
        var request = IntakeHarness.Request(method: "OPTIONS", body: "", headers: [new("WebHook-Request-Origin", origin)]);

        var response = await harness.Build().HandleAsync(request);

        Assert.Equal(400, response.Status);
        Assert.Equal("invalidRequest", response.ErrorCode);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.DoesNotContain(response.Headers, h => h.Key == "WebHook-Allowed-Origin");
    }
}
