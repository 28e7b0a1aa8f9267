using System.Text;
using System.Text.Json;
using Azure;
using Moq;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Intake;

namespace Webhooks.Core.Tests.Intake;

public class IntakeAnswerTests
{
    [Fact]
    public async Task WrongMethod_Returns405_WithAllowHeaderAndProblemBody()
    {
        var response = await new IntakeHarness().Build().HandleAsync(IntakeHarness.Request(method: "GET"));

        Assert.Equal(405, response.Status);
        Assert.Contains(response.Headers, h => h.Key == "Allow" && h.Value == "POST");
        Assert.Equal("application/problem+json", response.ContentType);
        using var body = JsonDocument.Parse(response.Body);
        Assert.Equal("Method Not Allowed", body.RootElement.GetProperty("error").GetString());
        Assert.Equal("/api/webhooks/shop", body.RootElement.GetProperty("path").GetString());
        Assert.Equal("trace-1", body.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task UnknownSource_Returns404_NamingTheSourceEntity()
    {
        var response = await new IntakeHarness().Build().HandleAsync(IntakeHarness.Request(source: "nope"));

        using var body = JsonDocument.Parse(response.Body);
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("SOURCE", body.RootElement.GetProperty("metadata").GetProperty("entity").GetString());
    }

    [Fact]
    public async Task Validation_Returns422_ListingEveryFailingField()
    {
        var harness = new IntakeHarness();
        harness.Shop.Validation.RequiredFields["customer.email"] = "string";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":1,"data":{"id":"x"}}"""));

        Assert.Equal(422, response.Status);
        using var body = JsonDocument.Parse(response.Body);
        var errors = body.RootElement.GetProperty("errors");
        Assert.Equal("The type field must be of type string.", errors.GetProperty("type")[0].GetString());
        Assert.Equal("The data.id field must be of type integer.", errors.GetProperty("data.id")[0].GetString());
        Assert.Equal("The customer.email field is required.", errors.GetProperty("customer.email")[0].GetString());
        Assert.Equal("invalidArguments", body.RootElement.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task InvalidUtf8_Returns400_InvalidEncoding()
    {
        byte[] raw = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

        var response = await new IntakeHarness().Build().HandleAsync(IntakeHarness.Request(rawBody: raw));

        Assert.Equal(400, response.Status);
        Assert.Equal("invalidEncoding", response.ErrorCode);
    }

    [Fact]
    public async Task DeeplyNestedJson_Returns400_NotACrash()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        var harness = new IntakeHarness();
        harness.Shop.MaxBodyBytes = 20_000;

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: deep));

        Assert.Equal(400, response.Status);
        Assert.Equal("invalidJson", response.ErrorCode);
    }

    [Fact]
    public async Task RateLimited_Returns429_WithRetryAfter_AndRecoversAsTimePasses()
    {
        var harness = new IntakeHarness();
        harness.Shop.RateLimit = new RateLimitOptions { PermitsPerSecond = 0.5, Burst = 1 };
        var intake = harness.Build();

        Assert.Equal(202, (await intake.HandleAsync(IntakeHarness.Request())).Status);
        var limited = await intake.HandleAsync(IntakeHarness.Request());
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var later = await intake.HandleAsync(IntakeHarness.Request());

        Assert.Equal(429, limited.Status);
        Assert.Contains(limited.Headers, h => h.Key == "Retry-After" && h.Value == "2");
        Assert.Equal(202, later.Status);
    }

    [Fact]
    public async Task QueueDown_Returns503_WithRetryAfter_AndNoAcknowledgement()
    {
        var harness = new IntakeHarness();
        harness.Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(500, "InternalError", "InternalError", null));

        var response = await harness.Build().HandleAsync(IntakeHarness.Request());

        Assert.Equal(503, response.Status);
        Assert.Contains(response.Headers, h => h.Key == "Retry-After" && h.Value == "10");
        Assert.Null(response.DeliveryId);
    }

    [Fact]
    public async Task QueueThatHangs_Returns503_AfterTheWriteTimeout()
    {
        var harness = new IntakeHarness();
        harness.Options.Intake.QueueWriteTimeout = TimeSpan.FromMilliseconds(50);
        harness.Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Returns<DeliveryEnvelope, ReadOnlyMemory<byte>, CancellationToken>((_, _, ct) => Task.Delay(Timeout.Infinite, ct));

        var response = await harness.Build().HandleAsync(IntakeHarness.Request());

        Assert.Equal(503, response.Status);
    }

    [Fact]
    public async Task EnvelopeLargerThanAQueueMessage_Returns413_NamingTheLimit()
    {
        var harness = new IntakeHarness();
        harness.Shop.MaxBodyBytes = 1024 * 1024;
        harness.Queue.SetupGet(q => q.MaxEnvelopeBytes).Returns(1000);
        var body = "{\"type\":\"" + new string('a', 2000) + "\",\"data\":{\"id\":1}}";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body));

        Assert.Equal(413, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Contains("1000 bytes", problem.RootElement.GetProperty("message").GetString());
        Assert.Empty(harness.Queued);
    }

    [Fact]
    public async Task WithoutProviderId_MintsADeliveryId()
    {
        var harness = new IntakeHarness();
        var request = IntakeHarness.Request(headers: [new("webhook-id", "")]);

        var response = await harness.Build().HandleAsync(request);

        Assert.Equal(202, response.Status);
        Assert.StartsWith("wh_", harness.Queued[0].Envelope.Id);
        Assert.Equal(harness.Queued[0].Envelope.Id, response.DeliveryId);
    }

    [Fact]
    public async Task Envelope_KeepsIdentifyingHeaders_ButNeverSignatures()
    {
        var harness = new IntakeHarness();
        var request = IntakeHarness.Request(headers: [new("webhook-signature", "v1,abc"), new("X-GitHub-Event", "push"), new("Authorization", "Bearer x")]);

        await harness.Build().HandleAsync(request);

        var headers = harness.Queued[0].Envelope.Headers;
        Assert.Equal("push", headers["x-github-event"]);
        Assert.Equal("msg_1", headers["webhook-id"]);
        Assert.False(headers.ContainsKey("webhook-signature"));
        Assert.False(headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task EventGridValidation_EchoesTheCode_AndIsNotQueued()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["event-grid"];
        harness.Shop.Validation.RequiredFields.Clear();
        const string body = """[{"id":"2d1781af","topic":"/subscriptions/x","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net/x"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2018-01-25T22:12:19.4556811Z","metadataVersion":"1","dataVersion":"1"}]""";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body, headers: [new("aeg-event-type", "SubscriptionValidation")]));

        Assert.Equal(200, response.Status);
        using var doc = JsonDocument.Parse(response.Body);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", doc.RootElement.GetProperty("validationResponse").GetString());
        Assert.Empty(harness.Queued);
    }

    [Fact]
    public async Task EventGridValidation_OnASourceWithoutTheHandshake_IsTreatedAsADelivery()
    {
        var harness = new IntakeHarness();
        harness.Shop.Validation.RequiredFields.Clear();
        const string body = """[{"data":{"validationCode":"abc"}}]""";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body, headers: [new("aeg-event-type", "SubscriptionValidation")]));

        Assert.Equal(202, response.Status);
    }

    [Fact]
    public async Task CloudEventsOptions_AllowsTheOrigin_AndRate()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["cloudevents"];
        harness.Shop.RateLimit = new RateLimitOptions { PermitsPerSecond = 2 };
        var request = IntakeHarness.Request(method: "OPTIONS", body: "", headers: [new("WebHook-Request-Origin", "eventemitter.example.com"), new("WebHook-Request-Rate", "120")]);

        var response = await harness.Build().HandleAsync(request);

        Assert.Equal(200, response.Status);
        Assert.Contains(response.Headers, h => h.Key == "WebHook-Allowed-Origin" && h.Value == "eventemitter.example.com");
        Assert.Contains(response.Headers, h => h.Key == "WebHook-Allowed-Rate" && h.Value == "120");
        Assert.Contains(response.Headers, h => h.Key == "Allow" && h.Value == "POST, OPTIONS");
    }

    [Fact]
    public async Task CloudEventsOptions_WithoutTheHandshake_Returns405()
    {
        var request = IntakeHarness.Request(method: "OPTIONS", body: "", headers: [new("WebHook-Request-Origin", "eventemitter.example.com")]);

        var response = await new IntakeHarness().Build().HandleAsync(request);

        Assert.Equal(405, response.Status);
    }

    [Fact]
    public async Task SlackUrlVerification_EchoesTheChallenge()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["slack"];
        const string body = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: body));

        Assert.Equal(200, response.Status);
        using var doc = JsonDocument.Parse(response.Body);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", doc.RootElement.GetProperty("challenge").GetString());
        Assert.Empty(harness.Queued);
    }

    [Fact]
    public async Task SlackUrlVerification_WithABadSignature_Returns401()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["slack"];
        harness.Verdict = Webhooks.Verification.VerificationResult.Unauthorized("invalidSignature", "bad");

        var response = await harness.Build().HandleAsync(IntakeHarness.Request(body: """{"type":"url_verification","challenge":"c"}"""));

        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task GraphValidationToken_IsEchoedAsPlainText()
    {
        var harness = new IntakeHarness();
        harness.Shop.Handshakes = ["graph"];
        var request = IntakeHarness.Request(body: "", headers: [new("Content-Type", "text/plain; charset=utf-8")], query: new() { ["validationToken"] = "Validation: Testing client application reachability for subscription Request-Id: 9b9c" });

        var response = await harness.Build().HandleAsync(request);

        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Equal("Validation: Testing client application reachability for subscription Request-Id: 9b9c", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Empty(harness.Queued);
    }
}
