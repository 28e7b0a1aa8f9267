using System.Text;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Core.Tests.DeadLetters;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery;

public class DeliveryProcessorTests
{
    private const string DeliveriesName = "deliveries";
    private const string DeadLetterName = "deadletter";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"email\":\"\",\"amount\":0}");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ManualTimeProvider _time = new();
    private readonly StubTargetHandler _target = new();
    private readonly List<string> _calls = [];
    private readonly List<Sent> _sent = [];
    private readonly List<Updated> _updated = [];
    private readonly Mock<QueueClient> _deliveries;
    private readonly Mock<QueueClient> _deadLetter;
    private readonly WebhooksOptions _options = new()
    {
        Delivery =
        {
            MaxAttempts = 5,
            BaseDelay = TimeSpan.FromSeconds(10),
            BackoffFactor = 2,
            MaxDelay = TimeSpan.FromHours(1),
            Jitter = "none",
            PauseProbeInterval = TimeSpan.FromMinutes(5),
        },
        Sources = { ["shop"] = new SourceOptions { Target = { Url = "https://shop.example.com/hooks" } } },
    };

    private readonly TestOptionsMonitor<WebhooksOptions> _monitor;
    private readonly ListLogger _log = new();
    private readonly InMemoryTargetPauseStore _pauseStore = new();
    private readonly TargetPauseRegistry _pauses;
    private readonly DeliveryProcessor _processor;

    public DeliveryProcessorTests()
    {
        _deliveries = Queue(DeliveriesName);
        _deadLetter = Queue(DeadLetterName);
        var service = new Mock<QueueServiceClient>(MockBehavior.Strict);
        service.Setup(s => s.GetQueueClient(DeliveriesName)).Returns(_deliveries.Object);
        service.Setup(s => s.GetQueueClient(DeadLetterName)).Returns(_deadLetter.Object);
        service.Setup(s => s.GetQueueClient(DeliveriesName + "-poison")).Returns(Queue(DeliveriesName + "-poison").Object);
        var queues = new WebhookQueues(service.Object, new QueueNamesOptions { Deliveries = DeliveriesName, DeadLetter = DeadLetterName });

        var options = _monitor = new TestOptionsMonitor<WebhooksOptions>(_options);
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(_target.CreateClient);
        _pauses = new TargetPauseRegistry(_pauseStore, options, _time, NullLogger<TargetPauseRegistry>.Instance);
        _processor = new DeliveryProcessor(
            queues,
            new TargetClient(factory.Object, options, _time),
            new TargetGuard(options, new FakeResolver()),
            new DeliveryClassifier(new Backoff(new FixedRandom(0.5))),
            _pauses,
            options,
            _time,
            _log);
    }

    [Fact]
    public async Task Received_TargetAnswers200_DeletesTheMessageAndNothingElse()
    {
        _target.Respond(200);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(["deliveries.delete m1 pop1"], _calls);
        Assert.Equal(DeliveryOutcomeKind.Delivered, outcome.Kind);
        Assert.Equal("d1", outcome.DeliveryId);
        Assert.Equal("shop", outcome.Source);
        Assert.Equal(1, outcome.Attempt);
        Assert.Equal(200, outcome.Status);
        Assert.Equal(Body, Assert.Single(_target.Requests).Body);
    }

    [Fact]
    public async Task Received_TargetAnswers503_UpdatesTheMessageWithTheAttemptAndTheBackoffDelay()
    {
        _target.Respond(503, "Service Unavailable", "text/plain");
        var envelope = Envelope(attempt: 2);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        Assert.Equal(["deliveries.update m1 pop1 00:00:40"], _calls);
        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(40), outcome.Delay);
        var updated = EnvelopeSerializer.Deserialize(Assert.Single(_updated).Content!);
        Assert.Equal(3, updated.Attempt);
        var attempt = Assert.Single(updated.Attempts);
        Assert.Equal(3, attempt.Number);
        Assert.Equal(DeliveryAttemptOutcomes.Requeue, attempt.Outcome);
        Assert.Equal(503, attempt.Status);
        Assert.Equal("503: Service Unavailable", attempt.Detail);
        Assert.Equal(_time.GetUtcNow(), attempt.At);
        Assert.Equal(Body, updated.Body);
        Assert.Equal(envelope.Id, updated.Id);
    }

    [Fact]
    public async Task Received_TargetAnswers422_WritesTheDeadLetterRecordFirstThenDeletes()
    {
        _target.Respond(422, """{"message":"The given data was invalid.","errors":{"email":["The email field is required."]}}""", "application/json", ("X-Request-Id", "req-9"));

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(["deadletter.send visibility: ttl:-00:00:01", "deliveries.delete m1 pop1"], _calls);
        Assert.Equal(DeliveryOutcomeKind.DeadLettered, outcome.Kind);
        Assert.Equal(DeadLetterReasons.TargetRejected, outcome.Reason);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal(DeadLetterReasons.TargetRejected, record.Reason);
        Assert.Equal(422, record.FinalStatus);
        Assert.Equal(DeliveriesName, record.OriginQueue);
        Assert.Equal(_time.GetUtcNow(), record.DeadLetteredAt);
        Assert.Equal(Body, record.Envelope!.Body);
        Assert.Equal(1, record.Envelope.Attempt);
        Assert.Equal(DeliveryAttemptOutcomes.DeadLetter, Assert.Single(record.Envelope.Attempts).Outcome);
        Assert.Equal("req-9", record.Response!.Headers["x-request-id"]);
        Assert.Contains("The email field is required.", record.Response.Body, StringComparison.Ordinal);
        Assert.Equal(TargetErrorDialects.Validation, record.Error!.Dialect);
        Assert.Equal(["The email field is required."], record.Error.Errors!["email"]);
    }

    [Fact]
    public async Task Received_DeadLetterWriteFails_LeavesTheOriginalAndThrows()
    {
        _target.Respond(404);
        _deadLetter.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(0, "storage down"));

        await Assert.ThrowsAsync<RequestFailedException>(() => _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope())));

        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Received_DeleteFindsTheMessageGone_StillReportsDelivered()
    {
        _target.Respond(200);
        _deliveries.Setup(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(404, "gone", "MessageNotFound", null));

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(DeliveryOutcomeKind.Delivered, outcome.Kind);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"id\":\"x\"}")]
    [InlineData("")]
    [InlineData("{\"id\":\"x\",\"source\":\"shop\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"contentType\":\"a/b\",\"body\":\"e30=\",\"headers\":null}")]
    [InlineData("{\"id\":\"x\",\"source\":\"shop\",\"receivedAt\":\"yesterday\",\"contentType\":\"a/b\",\"body\":\"e30=\"}")]
    [InlineData("{\"id\":\"x\",\"source\":\"shop\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"contentType\":\"a/b\",\"body\":\"not base64!\"}")]
    public async Task Received_UndecodableMessage_IsDeadLetteredAsMalformedWithItsRawText(string text)
    {
        var message = QueuesModelFactory.QueueMessage("m1", "pop1", BinaryData.FromString(text), 3);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, message);

        Assert.Equal(DeliveryOutcomeKind.DeadLettered, outcome.Kind);
        Assert.Equal(DeadLetterReasons.MalformedMessage, outcome.Reason);
        Assert.Equal(["deadletter.send visibility: ttl:-00:00:01", "deliveries.delete m1 pop1"], _calls);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), record.RawMessage);
        Assert.Null(record.Envelope);
        Assert.NotNull(record.Detail);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Received_EnvelopeWithNullAttemptHistory_IsStillDelivered()
    {
        _target.Respond(503);
        var json = "{\"id\":\"d1\",\"source\":\"shop\",\"receivedAt\":\"2025-12-31T23:59:00Z\",\"contentType\":\"application/json\",\"body\":\"e30=\",\"attempts\":null}";
        var bytes = Encoding.UTF8.GetBytes(json);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, QueuesModelFactory.QueueMessage("m1", "pop1", new BinaryData(bytes), 1));

        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Single(EnvelopeSerializer.Deserialize(Assert.Single(_updated).Content!).Attempts);
    }

    [Theory]
    [InlineData("unknown", null, "source 'unknown' is not configured")]
    [InlineData("shop", null, "no target URL is configured")]
    [InlineData("shop", "ftp://shop.example.com/", "scheme 'ftp'")]
    [InlineData("shop", "http://10.0.0.5/hooks", "private or reserved")]
    public async Task Received_SourceOrTargetNotConfigured_IsDeadLetteredWithoutACall(string source, string? url, string detail)
    {
        _options.Sources["shop"].Target.Url = url;

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope(source: source)));

        Assert.Equal(DeadLetterReasons.TargetNotConfigured, outcome.Reason);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal(DeadLetterReasons.TargetNotConfigured, record.Reason);
        Assert.Contains(detail, record.Detail, StringComparison.Ordinal);
        Assert.Equal(0, record.Envelope!.Attempt);
        Assert.Empty(_target.Requests);
        Assert.Equal("deliveries.delete m1 pop1", _calls[^1]);
    }

    [Fact]
    public async Task Received_BrokenTargetAuth_IsDeadLetteredWithoutACallOrTheSecret()
    {
        _options.Sources["shop"].Target.Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = "whsec_!!not-base64-secret!!" };

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(DeadLetterReasons.TargetNotConfigured, outcome.Reason);
        Assert.DoesNotContain("not-base64-secret", DeadLetter(Assert.Single(_sent)).Detail, StringComparison.Ordinal);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Received_LastAttemptFailsTransiently_IsDeadLetteredAsRetriesExhausted()
    {
        _target.Respond(500, """{"message":"boom"}""");

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope(attempt: 4)));

        Assert.Equal(DeadLetterReasons.RetriesExhausted, outcome.Reason);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal(5, record.Envelope!.Attempt);
        Assert.Equal(500, record.FinalStatus);
        Assert.Equal("500: boom", record.Error!.Summary);
        Assert.Equal(["deadletter.send visibility: ttl:-00:00:01", "deliveries.delete m1 pop1"], _calls);
    }

    [Fact]
    public async Task Received_TooOldAndFailingTransiently_IsDeadLetteredAsRetriesExhausted()
    {
        _target.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var envelope = Envelope();
        envelope.ReceivedAt = _time.GetUtcNow() - TimeSpan.FromHours(25);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        Assert.Equal(DeadLetterReasons.RetriesExhausted, outcome.Reason);
        Assert.Null(DeadLetter(Assert.Single(_sent)).FinalStatus);
    }

    [Fact]
    public async Task Received_OldButJustReplayed_FailingTransiently_IsRequeuedNotExhausted()
    {
        _target.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var envelope = Envelope();
        envelope.ReceivedAt = _time.GetUtcNow() - TimeSpan.FromDays(3);
        envelope.ReplayedAt = _time.GetUtcNow() - TimeSpan.FromMinutes(1);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Received_TargetAnswers401_PausesTheTargetAndHoldsTheMessageUntilTheProbe()
    {
        _target.Respond(401, """{"message":"Your API key is wrong."}""");

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(DeliveryOutcomeKind.Held, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), outcome.Delay);
        Assert.Equal(["deliveries.update m1 pop1 00:05:00"], _calls);
        var updated = EnvelopeSerializer.Deserialize(Assert.Single(_updated).Content!);
        Assert.Equal(0, updated.Attempt); // an account-level answer spends no attempt
        Assert.Equal(0, outcome.Attempt);
        var entry = Assert.Single(updated.Attempts);
        Assert.Equal((DeliveryAttemptOutcomes.Held, 401), (entry.Outcome, entry.Status));
        var pause = Assert.Single(await _pauses.SnapshotAsync(CancellationToken.None));
        Assert.Equal(("shop", 401, 1L), (pause.Source, pause.Status, pause.Held));
    }

    [Fact]
    public async Task Received_WhileTargetPaused_HoldsWithoutCallingOrCountingAnAttempt()
    {
        await PauseAsync("target answered 401", 401);
        _time.Advance(TimeSpan.FromMinutes(1));
        var envelope = Envelope(attempt: 2);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        Assert.Equal(DeliveryOutcomeKind.Held, outcome.Kind);
        Assert.Equal(2, outcome.Attempt);
        var hold = TimeSpan.FromMinutes(4) + TargetPauseRegistry.SpreadOf(envelope.Id, TimeSpan.FromMinutes(5));
        Assert.Equal([$"deliveries.update m1 pop1 {hold}"], _calls);
        Assert.Null(Assert.Single(_updated).Content); // visibility only: the envelope is unchanged
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Received_ProbeAfterTheIntervalSucceeds_DeliversAndResumesTheTarget()
    {
        await PauseAsync("target answered 401", 401);
        _time.Advance(TimeSpan.FromMinutes(5));
        _target.Respond(200);

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(DeliveryOutcomeKind.Delivered, outcome.Kind);
        Assert.False(_pauses.SeesPaused("shop"));
        Assert.Empty(await _pauses.SnapshotAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Received_ProbeAnswered402AgainOnTheLastAttempt_IsHeldNotDeadLetteredAndKeepsItsBudget()
    {
        _options.Delivery.MaxAttempts = 4;
        await PauseAsync("target answered 402", 402);
        _time.Advance(TimeSpan.FromMinutes(5));
        _target.Respond(402, """{"message":"Payment required."}""");

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope(attempt: 3)));

        Assert.Equal(DeliveryOutcomeKind.Held, outcome.Kind);
        Assert.Equal(3, EnvelopeSerializer.Deserialize(Assert.Single(_updated).Content!).Attempt);
        Assert.Empty(_sent); // nothing dead-lettered
        Assert.Single(_target.Requests);
        Assert.True(_pauses.SeesPaused("shop"));
    }

    [Fact]
    public async Task Received_ProbeTimesOut_TargetStaysPaused()
    {
        _options.Sources["shop"].Target.Timeout = TimeSpan.FromMilliseconds(50);
        await PauseAsync("target answered 401", 401);
        _time.Advance(TimeSpan.FromMinutes(5));
        _target.Hang();

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Equal(DeliveryFailureKind.Timeout, outcome.Failure);
        Assert.True(_pauses.SeesPaused("shop"));
    }

    [Fact]
    public async Task Received_ManyAttempts_HistoryKeepsTheLastTenButTheCountGoesOn()
    {
        _options.Delivery.MaxAttempts = 100;
        var envelope = Envelope(attempt: 12);
        envelope.Attempts = Enumerable.Range(3, 10).Select(n => new DeliveryAttempt(n, _time.GetUtcNow(), "requeue", 503, null, 1)).ToList();
        _target.Respond(503);

        await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        var updated = EnvelopeSerializer.Deserialize(Assert.Single(_updated).Content!);
        Assert.Equal(13, updated.Attempt);
        Assert.Equal(Enumerable.Range(4, 10), updated.Attempts.Select(a => a.Number));
    }

    [Fact]
    public async Task Received_MessageAboutToExpire_IsSentAgainWithoutExpiryInsteadOfUpdated()
    {
        _target.Respond(503);
        var message = QueuesModelFactory.QueueMessage("m1", "pop1", new BinaryData(EnvelopeSerializer.Serialize(Envelope())), 1, null, _time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromMinutes(30));

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, message);

        Assert.Equal(["deliveries.send visibility:00:00:10 ttl:-00:00:01", "deliveries.delete m1 pop1"], _calls);
        Assert.Equal(1, EnvelopeSerializer.Deserialize(Assert.Single(_sent).Content).Attempt);
        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
    }

    [Fact]
    public async Task Received_ShutdownDuringTheCall_ThrowsAndSettlesNothing()
    {
        _target.Hang();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()), cts.Token));

        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Received_HugeHtmlErrorBody_RecordStillFitsAQueueMessage()
    {
        _options.Delivery.MaxResponseBodyBytes = 40_000;
        var envelope = Envelope();
        envelope.Body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('p', 20_000) + "\"}");
        _target.Respond(400, "<html><body>" + string.Concat(Enumerable.Repeat("<p>\"quoted\" & <b>bold</b></p>", 1200)) + "</body></html>", "text/html");

        await _processor.ProcessReceivedAsync(_deliveries.Object, Message(envelope));

        var sent = Assert.Single(_sent);
        Assert.True(sent.Content.Length <= Webhooks.AzureStorage.StorageNames.MaxMessagePayloadBytes);
        var record = DeadLetter(sent);
        Assert.Null(record.Response!.Body);
        Assert.True(record.Response.BodyTruncated);
        Assert.Equal(envelope.Body, record.Envelope!.Body);
        Assert.Equal("deliveries.delete m1 pop1", _calls[^1]);
    }

    [Fact]
    public async Task Triggered_TargetAnswers200_WritesNothing()
    {
        _target.Respond(200);

        var outcome = await _processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(Envelope())));

        Assert.Equal(DeliveryOutcomeKind.Delivered, outcome.Kind);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Triggered_TargetAnswers503_SendsTheUpdatedEnvelopeAgainInvisibleForTheDelay()
    {
        _target.Respond(503);

        var outcome = await _processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(Envelope())));

        Assert.Equal(DeliveryOutcomeKind.Requeued, outcome.Kind);
        Assert.Equal(["deliveries.send visibility:00:00:10 ttl:-00:00:01"], _calls);
        var requeued = EnvelopeSerializer.Deserialize(Assert.Single(_sent).Content);
        Assert.Equal(1, requeued.Attempt);
        Assert.Equal(Body, requeued.Body);
    }

    [Fact]
    public async Task Triggered_WhileTargetPaused_SendsTheSameBytesAgainForTheHold()
    {
        await PauseAsync("target answered 403", 403);
        var envelope = Envelope();
        var bytes = EnvelopeSerializer.Serialize(envelope);

        var outcome = await _processor.ProcessTriggeredAsync(new BinaryData(bytes));

        Assert.Equal(DeliveryOutcomeKind.Held, outcome.Kind);
        Assert.Equal([$"deliveries.send visibility:{TimeSpan.FromMinutes(5) + TargetPauseRegistry.SpreadOf(envelope.Id, TimeSpan.FromMinutes(5))} ttl:-00:00:01"], _calls);
        Assert.Equal(bytes, Assert.Single(_sent).Content);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Triggered_TargetAnswers409_WritesTheDeadLetterRecordOnly()
    {
        _target.Respond(409, """{"status":409,"error":"Conflict","errorCode":"userEmailConflict","message":"The email is already used within your gym or chain"}""");

        var outcome = await _processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(Envelope())));

        Assert.Equal(DeliveryOutcomeKind.DeadLettered, outcome.Kind);
        Assert.Equal(["deadletter.send visibility: ttl:-00:00:01"], _calls);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal("409 userEmailConflict: The email is already used within your gym or chain", record.Error!.Summary);
        Assert.Equal(DeliveriesName, record.OriginQueue);
    }

    [Fact]
    public async Task Triggered_UndecodableMessage_IsDeadLetteredWithTheMessageTextAsTheQueueHeldIt()
    {
        var bytes = Encoding.UTF8.GetBytes("<xml/>");

        var outcome = await _processor.ProcessTriggeredAsync(new BinaryData(bytes));

        Assert.Equal(DeadLetterReasons.MalformedMessage, outcome.Reason);
        Assert.Equal(Convert.ToBase64String(bytes), DeadLetter(Assert.Single(_sent)).RawMessage);
    }

    [Fact]
    public async Task Triggered_StorageDownWhileRequeueing_Throws()
    {
        _target.Respond(503);
        _deliveries.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(0, "storage down"));

        await Assert.ThrowsAsync<RequestFailedException>(() => _processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(Envelope()))));
    }

    [Fact]
    public async Task DeadLetterLog_ForATargetErrorWithoutACode_SaysNoNull()
    {
        _target.Respond(404);

        await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        var line = Assert.Single(_log.Lines, l => l.Contains("dead-lettered", StringComparison.Ordinal));
        Assert.DoesNotContain("(null)", line, StringComparison.Ordinal);
        Assert.EndsWith("last result 404.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Received_TargetClientThrowsInvalidOperation_IsDeadLetteredAtOnce_AsAConfigurationError()
    {
        _target.Throw(new InvalidOperationException("Misused header name, 'Content-Type'."));

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope(attempt: 0)));

        Assert.Equal(DeliveryOutcomeKind.DeadLettered, outcome.Kind);
        Assert.Equal(DeadLetterReasons.ConfigurationError, outcome.Reason);
        var record = DeadLetter(Assert.Single(_sent));
        Assert.Equal(DeadLetterReasons.ConfigurationError, record.Reason);
        Assert.Contains("Misused header name", record.Detail, StringComparison.Ordinal);
        Assert.Empty(_updated);
    }

    [Fact]
    public async Task Received_ForASourceAddedByAConfigurationReload_IsDelivered_NotDeadLettered()
    {
        _target.Respond(200);
        _monitor.CurrentValue = Reloaded(sources => sources["crm"] = new SourceOptions { Target = { Url = "https://crm.example.com/hooks" } });

        var outcome = await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope(source: "crm")));

        Assert.Equal(DeliveryOutcomeKind.Delivered, outcome.Kind);
        Assert.Equal(new Uri("https://crm.example.com/hooks"), Assert.Single(_target.Requests).Uri);
    }

    [Fact]
    public async Task Received_AfterATargetSigningSecretIsRotatedByAReload_IsSignedWithTheNewSecret()
    {
        const string oldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        const string newSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        _options.Sources["shop"].Target.Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = oldSecret };
        _target.Respond(200);
        _monitor.CurrentValue = Reloaded(sources => sources["shop"] = new SourceOptions
        {
            Target = { Url = "https://shop.example.com/hooks", Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = newSecret } },
        });

        await _processor.ProcessReceivedAsync(_deliveries.Object, Message(Envelope()));

        var request = Assert.Single(_target.Requests);
        Assert.True(VerifiesWith(newSecret, request));
        Assert.False(VerifiesWith(oldSecret, request));
    }

    private WebhooksOptions Reloaded(Action<Dictionary<string, SourceOptions>> change)
    {
        var reloaded = new WebhooksOptions { Delivery = _options.Delivery, Sources = new(_options.Sources, StringComparer.OrdinalIgnoreCase) };
        change(reloaded.Sources);
        return reloaded;
    }

    private bool VerifiesWith(string secret, RecordedRequest request) =>
        new Webhooks.Verification.StandardWebhooksVerifier().Verify(new Webhooks.Verification.VerificationContext(
            "ours",
            new SourceOptions { Verification = "standard-webhooks", Secrets = [secret] },
            new Webhooks.Intake.DictionaryRequestHeaders(request.Headers),
            request.Body,
            _time.GetUtcNow(),
            new Dictionary<string, SourceOptions>())).Succeeded;
    private Task PauseAsync(string reason, int status) => _pauses.PauseAsync("shop", "evt_pausing", reason, status, CancellationToken.None);

    private static DeliveryEnvelope Envelope(string source = "shop", int attempt = 0) => new()
    {
        Id = "d1",
        Source = source,
        ReceivedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) - TimeSpan.FromMinutes(1),
        ContentType = "application/json",
        Headers = { ["webhook-id"] = "d1" },
        Body = Body,
        Attempt = attempt,
    };

    private QueueMessage Message(DeliveryEnvelope envelope)
    {
        var bytes = EnvelopeSerializer.Serialize(envelope);
        return QueuesModelFactory.QueueMessage("m1", "pop1", new BinaryData(bytes), 1, null, _time.GetUtcNow(), _time.GetUtcNow().AddDays(7));
    }

    private static DeadLetterRecord DeadLetter(Sent sent) =>
        JsonSerializer.Deserialize<DeadLetterRecord>(sent.Content, Json)!;

    private Mock<QueueClient> Queue(string name)
    {
        var queue = new Mock<QueueClient>();
        queue.SetupGet(q => q.Name).Returns(name);
        queue.Setup(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((string id, string pop, CancellationToken _) => _calls.Add($"{name}.delete {id} {pop}"))
            .ReturnsAsync(Mock.Of<Response>());
        queue.Setup(q => q.UpdateMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Callback((string id, string pop, BinaryData? content, TimeSpan visibility, CancellationToken _) =>
            {
                _calls.Add($"{name}.update {id} {pop} {visibility}");
                _updated.Add(new Updated(content?.ToArray(), visibility));
            })
            .ReturnsAsync(InMemoryQueue.Of(QueuesModelFactory.UpdateReceipt("pop2", DateTimeOffset.UnixEpoch)));
        queue.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((BinaryData content, TimeSpan? visibility, TimeSpan? ttl, CancellationToken _) =>
            {
                _calls.Add($"{name}.send visibility:{visibility} ttl:{ttl}");
                _sent.Add(new Sent(name, content.ToArray()));
            })
            .ReturnsAsync(InMemoryQueue.Of(QueuesModelFactory.SendReceipt("new", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, "pop", DateTimeOffset.UnixEpoch)));
        return queue;
    }

    private sealed record Sent(string Queue, byte[] Content);

    private sealed record Updated(byte[]? Content, TimeSpan Visibility);

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<DeliveryProcessor>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
