using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Webhooks.AzureStorage;
using Webhooks.Configuration;
using Webhooks.Core.Tests.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Diagnostics;
using Webhooks.Envelopes;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Delivery.Routing;

/// <summary>
/// The delivery side of fan-out over in-memory queues and a stub HTTP handler that answers per destination host: one
/// source (stripe) with billing and crm (filter <c>type = invoice.*</c>, crm also <c>customer.*</c>) and audit (everything).
/// </summary>
public sealed class FanOutProcessorTests : IDisposable
{
    private const string DeliveriesName = "deliveries";
    private const string DeadLetterName = "deadletter";

    private readonly ManualTimeProvider _time = new();
    private readonly HostScriptedHandler _targets = new();
    private readonly InMemoryQueue _deliveries;
    private readonly InMemoryQueue _deadLetter;
    private readonly InMemoryTargetPauseStore _pauseStore = new();
    private readonly TargetPauseRegistry _pauses;
    private readonly MeterFactory _meters = new();
    private readonly WebhooksMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly WebhooksOptions _options;
    private readonly DeliveryProcessor _processor;

    public FanOutProcessorTests()
    {
        _deliveries = new InMemoryQueue(DeliveriesName, _time);
        _deadLetter = new InMemoryQueue(DeadLetterName, _time);
        var service = new Mock<QueueServiceClient>();
        service.Setup(s => s.GetQueueClient(DeliveriesName)).Returns(_deliveries);
        service.Setup(s => s.GetQueueClient(DeadLetterName)).Returns(_deadLetter);
        service.Setup(s => s.GetQueueClient(DeliveriesName + "-poison")).Returns(new InMemoryQueue(DeliveriesName + "-poison", _time));
        var queues = new WebhookQueues(service.Object, new QueueNamesOptions { Deliveries = DeliveriesName, DeadLetter = DeadLetterName });

        _options = new WebhooksOptions
        {
            Delivery = { MaxAttempts = 5, BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromHours(1), Jitter = "none", PauseProbeInterval = TimeSpan.FromMinutes(5) },
            Sources =
            {
                ["stripe"] = new SourceOptions
                {
                    Destinations =
                    {
                        ["billing"] = new DestinationOptions { Url = "https://billing.example.com/hooks", Filter = { ["type"] = "invoice.*" } },
                        ["crm"] = new DestinationOptions { Url = "https://crm.example.com/hooks", Filter = { ["type"] = "invoice.*,customer.*" } },
                        ["audit"] = new DestinationOptions { Url = "https://audit.example.com/hooks" },
                    },
                },
            },
        };

        _metrics = new WebhooksMetrics(_meters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, _, t, _) => _measurements.Add((i.Name, t.ToArray().ToDictionary(x => x.Key, x => x.Value))));
        _listener.Start();

        var monitor = new TestOptionsMonitor<WebhooksOptions>(_options);
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(() => new HttpClient(_targets, disposeHandler: false));
        _pauses = new TargetPauseRegistry(_pauseStore, monitor, _time, NullLogger<TargetPauseRegistry>.Instance);
        _processor = new DeliveryProcessor(
            queues,
            new TargetClient(factory.Object, monitor, _time),
            new TargetGuard(monitor, new FakeResolver()),
            new DeliveryClassifier(new Backoff(new FixedRandom(0.5))),
            _pauses,
            monitor,
            _time,
            NullLogger<DeliveryProcessor>.Instance,
            metrics: _metrics);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _meters.Dispose();
        _pauses.Dispose();
    }

    [Fact]
    public async Task DeliveryMatchingSeveralDestinations_IsWrittenOncePerDestination_ThenTheOriginalIsDeleted()
    {
        _deliveries.Add(Json(Envelope("evt_1", """{"type":"invoice.paid"}""")));

        var outcome = await ProcessNextAsync();

        Assert.Equal(DeliveryOutcomeKind.FannedOut, outcome.Kind);
        Assert.Equal(["billing", "crm", "audit"], outcome.Destinations);
        Assert.Empty(_targets.Requests); // nobody is called by the fan-out itself
        Assert.Equal(["receive 1", "send ttl=infinite", "send ttl=infinite", "send ttl=infinite", "delete deliveries-1"], _deliveries.Calls);
        var copies = _deliveries.Texts.Select(t => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(t))).ToList();
        Assert.Equal(["billing", "crm", "audit"], copies.Select(c => c.Destination));
        Assert.All(copies, c =>
        {
            Assert.Equal(("evt_1", "stripe", 0), (c.Id, c.Source, c.Attempt));
            Assert.Empty(c.Attempts);
            Assert.Equal("""{"type":"invoice.paid"}"""u8.ToArray(), c.Body);
            Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", c.TraceParent);
        });
        Assert.Empty(_deadLetter.Texts);
    }

    [Fact]
    public async Task EachFannedOutMessage_GoesToItsOwnDestination_WithItsOwnIdempotencyKey_AndClassification()
    {
        _targets.Script("crm.example.com", 422).Script("audit.example.com", 503);
        _deliveries.Add(Json(Envelope("evt_2", """{"type":"invoice.paid"}""")));
        await ProcessNextAsync();

        var outcomes = new List<DeliveryOutcome> { await ProcessNextAsync(), await ProcessNextAsync(), await ProcessNextAsync() };

        Assert.Equal(
            [("billing", DeliveryOutcomeKind.Delivered), ("crm", DeliveryOutcomeKind.DeadLettered), ("audit", DeliveryOutcomeKind.Requeued)],
            outcomes.Select(o => (o.Destination!, o.Kind)));
        Assert.Equal(
            [("billing.example.com", "evt_2:billing"), ("crm.example.com", "evt_2:crm"), ("audit.example.com", "evt_2:audit")],
            _targets.Requests.Select(r => (r.Host, r.Headers["Idempotency-Key"])));
        Assert.All(_targets.Requests, r => Assert.Equal("""{"type":"invoice.paid"}"""u8.ToArray(), r.Body));
        var deadLetter = JsonSerializer.Deserialize<DeadLetterRecord>(Assert.Single(_deadLetter.Texts), JsonSerializerOptions.Web)!;
        Assert.Equal(("crm", DeadLetterReasons.TargetRejected, 422), (deadLetter.Envelope!.Destination, deadLetter.Reason, deadLetter.FinalStatus));
        var requeued = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts)));
        Assert.Equal(("audit", 1), (requeued.Destination, requeued.Attempt));
    }

    [Fact]
    public async Task DeliveryMatchingOneDestination_IsDeliveredInPlace()
    {
        _options.Sources["stripe"].Destinations["crm"].Filter["type"] = "customer.*";
        _options.Sources["stripe"].Destinations["audit"].Filter["type"] = "charge.*";
        _deliveries.Add(Json(Envelope("evt_3", """{"type":"customer.created"}""")));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Delivered, "crm"), (outcome.Kind, outcome.Destination));
        var request = Assert.Single(_targets.Requests);
        Assert.Equal(("crm.example.com", "evt_3:crm"), (request.Host, request.Headers["Idempotency-Key"]));
        Assert.Equal(["receive 1", "delete deliveries-1"], _deliveries.Calls);
    }

    [Fact]
    public async Task InPlaceDelivery_ThatFails_IsRequeuedNamingItsDestination()
    {
        _options.Sources["stripe"].Destinations["audit"].Filter["type"] = "charge.*";
        _options.Sources["stripe"].Destinations["crm"].Filter["type"] = "charge.*";
        _targets.Script("billing.example.com", 500);
        _deliveries.Add(Json(Envelope("evt_4", """{"type":"invoice.paid"}""")));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Requeued, "billing"), (outcome.Kind, outcome.Destination));
        var updated = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts)));
        Assert.Equal("billing", updated.Destination);
    }

    [Fact]
    public async Task DeliveryMatchingNoDestination_IsAcknowledgedAndCounted_NotDeadLettered()
    {
        _options.Sources["stripe"].Destinations["audit"].Filter["type"] = "charge.*";
        _deliveries.Add(Json(Envelope("evt_5", """{"type":"payout.paid"}""")));

        var outcome = await ProcessNextAsync();

        Assert.Equal(DeliveryOutcomeKind.Unmatched, outcome.Kind);
        Assert.Empty(_targets.Requests);
        Assert.Empty(_deliveries.Texts);
        Assert.Empty(_deadLetter.Texts);
        var unmatched = Assert.Single(_measurements, m => m.Instrument == "webhooks.deliveries.unmatched");
        Assert.Equal("stripe", unmatched.Tags["source"]);
        Assert.Contains(_measurements, m => m.Instrument == "webhooks.deliveries" && (string?)m.Tags["outcome"] == "unmatched");
    }

    [Fact]
    public async Task BodyThatIsNotJson_GoesOnlyWhereNoFilterLooksIntoIt()
    {
        _deliveries.Add(Json(Envelope("evt_6", "type=invoice.paid")));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Delivered, "audit"), (outcome.Kind, outcome.Destination));
    }

    [Fact]
    public async Task HeaderFilter_RoutesOnTheKeptRequestHeaders()
    {
        _options.Sources["stripe"].Destinations["billing"].Filter.Clear();
        _options.Sources["stripe"].Destinations["billing"].Filter["header:X-Event-Kind"] = "ledger";
        _options.Sources["stripe"].Destinations["crm"].Filter["type"] = "nothing";
        _options.Sources["stripe"].Destinations["audit"].Filter["type"] = "nothing";
        var envelope = Envelope("evt_7", "not json");
        envelope.Headers["x-event-kind"] = "ledger";
        _deliveries.Add(Json(envelope));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Delivered, "billing"), (outcome.Kind, outcome.Destination));
    }

    [Fact]
    public async Task MessageForADestinationNoLongerConfigured_DeadLettersTargetNotConfigured_NamingIt()
    {
        var envelope = Envelope("evt_8", """{"type":"invoice.paid"}""");
        envelope.Destination = "erp";
        _deliveries.Add(Json(envelope));

        var outcome = await ProcessNextAsync();

        Assert.Equal(DeliveryOutcomeKind.DeadLettered, outcome.Kind);
        var record = JsonSerializer.Deserialize<DeadLetterRecord>(Assert.Single(_deadLetter.Texts), JsonSerializerOptions.Web)!;
        Assert.Equal(DeadLetterReasons.TargetNotConfigured, record.Reason);
        Assert.Contains("destination 'erp'", record.Detail, StringComparison.Ordinal);
        Assert.Equal("erp", record.Envelope!.Destination);
        Assert.Empty(_targets.Requests);
    }

    [Fact]
    public async Task MessageWithADestination_IsNeverFannedOutAgain()
    {
        var envelope = Envelope("evt_9", """{"type":"invoice.paid"}""");
        envelope.Destination = "crm";
        _deliveries.Add(Json(envelope));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Delivered, "crm"), (outcome.Kind, outcome.Destination));
        Assert.Equal("crm.example.com", Assert.Single(_targets.Requests).Host);
    }

    [Fact]
    public async Task DefaultMessage_OfASourceThatNowHasNamedDestinations_IsRoutedLikeANewOne()
    {
        var envelope = Envelope("evt_10", """{"type":"customer.updated"}""");
        envelope.Destination = DestinationNames.Default; // requeued while the source still had a single Target
        _deliveries.Add(Json(envelope));

        var outcome = await ProcessNextAsync();

        Assert.Equal(["crm", "audit"], outcome.Destinations);
    }

    [Fact]
    public async Task AccountLevelAnswer_PausesOnlyThatDestination()
    {
        _targets.Script("crm.example.com", 401);
        await ProcessAsync("crm", "evt_11");

        var billing = await ProcessAsync("billing", "evt_12");
        var crm = await ProcessAsync("crm", "evt_13");

        Assert.Equal(DeliveryOutcomeKind.Delivered, billing.Kind);
        Assert.Equal(DeliveryOutcomeKind.Held, crm.Kind);
        var pause = Assert.Single(await _pauses.SnapshotAsync(CancellationToken.None));
        Assert.Equal(("stripe", "crm"), (pause.Source, pause.Destination));
        Assert.Equal(["crm.example.com", "billing.example.com"], _targets.Requests.Select(r => r.Host));
    }

    [Fact]
    public async Task OverTheDestinationsRateLimit_IsPutBackShortly_WithoutSpendingAnAttempt()
    {
        _options.Sources["stripe"].Destinations["billing"].RateLimit = 1;

        var first = await ProcessAsync("billing", "evt_14");
        var second = await ProcessAsync("billing", "evt_15");

        Assert.Equal(DeliveryOutcomeKind.Delivered, first.Kind);
        Assert.Equal((DeliveryOutcomeKind.Requeued, 0, "rate limited"), (second.Kind, second.Attempt, second.Reason));
        Assert.InRange(second.Delay!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.Single(_targets.Requests);
        var back = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(Assert.Single(_deliveries.Texts)));
        Assert.Equal((0, "billing"), (back.Attempt, back.Destination));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DeliveryOutcomeKind.Delivered, (await ProcessAsync("billing", "evt_16")).Kind);
    }

    [Fact]
    public async Task DestinationRetrySettings_OverrideTheGlobalOnes()
    {
        _options.Sources["stripe"].Destinations["audit"].Retry = new DestinationRetryOptions { MaxAttempts = 1 };
        _targets.Script("audit.example.com", 503).Script("billing.example.com", 503);

        var audit = await ProcessAsync("audit", "evt_17");
        var billing = await ProcessAsync("billing", "evt_18");

        Assert.Equal((DeliveryOutcomeKind.DeadLettered, DeadLetterReasons.RetriesExhausted), (audit.Kind, audit.Reason));
        Assert.Equal((DeliveryOutcomeKind.Requeued, TimeSpan.FromSeconds(10)), (billing.Kind, billing.Delay));
    }

    [Fact]
    public async Task DestinationSettings_ShapeTheCall_HeadersAndAuth()
    {
        var audit = _options.Sources["stripe"].Destinations["audit"];
        audit.Headers["X-Tenant"] = "acme";
        audit.Auth = new TargetAuthOptions { Type = "header", Header = "x-api-key", Value = "audit-key" };
        _options.Sources["stripe"].Target.Auth = new TargetAuthOptions { Type = "header", Header = "x-api-key", Value = "shared-key" };

        await ProcessAsync("audit", "evt_19");
        await ProcessAsync("billing", "evt_20");

        var (toAudit, toBilling) = (_targets.Requests[0], _targets.Requests[1]);
        Assert.Equal(("acme", "audit-key"), (toAudit.Headers["X-Tenant"], toAudit.Headers["x-api-key"]));
        Assert.Equal("shared-key", toBilling.Headers["x-api-key"]); // the Target's auth is the default
        Assert.False(toBilling.Headers.ContainsKey("X-Tenant"));
    }

    [Fact]
    public async Task LegacySingleTarget_KeepsTheBareDeliveryIdAsIdempotencyKey()
    {
        _options.Sources["shop"] = new SourceOptions { Target = { Url = "https://shop.example.com/hooks" } };
        var envelope = Envelope("evt_21", """{"type":"order.paid"}""");
        envelope.Source = "shop";
        _deliveries.Add(Json(envelope));

        var outcome = await ProcessNextAsync();

        Assert.Equal((DeliveryOutcomeKind.Delivered, DestinationNames.Default), (outcome.Kind, outcome.Destination));
        Assert.Equal("evt_21", Assert.Single(_targets.Requests).Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task TriggeredPath_WritesTheCopiesAndLeavesTheOriginalToTheHost()
    {
        var body = new BinaryData(EnvelopeSerializer.Serialize(Envelope("evt_22", """{"type":"invoice.paid"}""")));

        var outcome = await _processor.ProcessTriggeredAsync(body, DeliveriesName);

        Assert.Equal(DeliveryOutcomeKind.FannedOut, outcome.Kind);
        Assert.Equal(["send ttl=infinite", "send ttl=infinite", "send ttl=infinite"], _deliveries.Calls);
        Assert.Equal(3, _deliveries.Texts.Count);
    }

    [Fact]
    public async Task CopyThatNoLongerFitsInline_MovesTheBodyToOneSharedClaimCheck()
    {
        var payloads = new Mock<Webhooks.Payloads.PayloadStore>(MockBehavior.Strict, Mock.Of<Azure.Storage.Blobs.BlobServiceClient>(), Microsoft.Extensions.Options.Options.Create(_options));
        var reference = new BodyReference("webhooks-payloads", "payloads/stripe/evt_23", 1);
        payloads.Setup(p => p.UploadAsync("stripe", "evt_23", It.IsAny<ReadOnlyMemory<byte>>(), "application/json", It.IsAny<CancellationToken>())).ReturnsAsync(reference);
        var processor = ProcessorWith(payloads.Object);
        var envelope = Envelope("evt_23", "{\"type\":\"invoice.paid\",\"pad\":\"\"}");
        envelope.Body = Fill(envelope, StorageNames.MaxMessagePayloadBytes - 10);

        var outcome = await processor.ProcessTriggeredAsync(new BinaryData(EnvelopeSerializer.Serialize(envelope)), DeliveriesName);

        Assert.Equal(DeliveryOutcomeKind.FannedOut, outcome.Kind);
        var copies = _deliveries.Texts.Select(t => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(t))).ToList();
        Assert.Equal(3, copies.Count);
        Assert.All(copies, c => Assert.Equal((null, reference), (c.Body, c.BodyRef)));
        payloads.Verify(p => p.UploadAsync("stripe", "evt_23", It.IsAny<ReadOnlyMemory<byte>>(), "application/json", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ClaimCheckBody_IsReadOnceToRoute_SharedByTheCopies_AndNotDeletedByTheFirstDone()
    {
        var reference = new BodyReference("webhooks-payloads", "payloads/stripe/evt_24", 22);
        var payloads = new Mock<Webhooks.Payloads.PayloadStore>(MockBehavior.Strict, Mock.Of<Azure.Storage.Blobs.BlobServiceClient>(), Microsoft.Extensions.Options.Options.Create(_options));
        payloads.Setup(p => p.OpenReadAsync(reference, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new Webhooks.Payloads.PayloadDownload(new MemoryStream("""{"type":"invoice.paid"}"""u8.ToArray()), 22));
        var processor = ProcessorWith(payloads.Object);
        var envelope = Envelope("evt_24", "{}");
        (envelope.Body, envelope.BodyRef) = (null, reference);
        _deliveries.Add(Json(envelope));

        var fannedOut = await processor.ProcessReceivedAsync(_deliveries, await ReceiveAsync());
        payloads.Verify(p => p.OpenReadAsync(reference, It.IsAny<CancellationToken>()), Times.Once);
        var delivered = await processor.ProcessReceivedAsync(_deliveries, await ReceiveAsync());

        Assert.Equal(DeliveryOutcomeKind.FannedOut, fannedOut.Kind);
        Assert.Equal((DeliveryOutcomeKind.Delivered, "billing"), (delivered.Kind, delivered.Destination));
        Assert.Equal("""{"type":"invoice.paid"}"""u8.ToArray(), Assert.Single(_targets.Requests).Body);
        Assert.All(_deliveries.Texts, t => Assert.Equal(reference, EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(t)).BodyRef));
        payloads.Verify(p => p.DeleteAsync(It.IsAny<BodyReference>(), It.IsAny<CancellationToken>()), Times.Never); // the lifecycle rule's job
    }

    [Fact]
    public async Task Spans_SayWhereADeliveryWent_FanOutCountThenEachDestination()
    {
        var spans = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhooksTelemetry.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(WebhooksTelemetry.Tags.DeliveryId) == "evt_span")
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        _options.Sources["stripe"].Destinations["crm"].Filter["type"] = "customer.*";
        _deliveries.Add(Json(Envelope("evt_span", """{"type":"invoice.paid"}""")));

        await ProcessNextAsync();
        await ProcessNextAsync();
        await ProcessNextAsync();

        Assert.Equal(3, spans.Count);
        Assert.Equal((DeliveryAttemptOutcomes.FannedOut, 2), ((string?)spans[0].GetTagItem(WebhooksTelemetry.Tags.Outcome), (int?)spans[0].GetTagItem(WebhooksTelemetry.Tags.FanOut)));
        Assert.Null(spans[0].GetTagItem(WebhooksTelemetry.Tags.Destination));
        Assert.Equal(
            [("billing", DeliveryAttemptOutcomes.Done), ("audit", DeliveryAttemptOutcomes.Done)],
            spans.Skip(1).Select(a => ((string)a.GetTagItem(WebhooksTelemetry.Tags.Destination)!, (string)a.GetTagItem(WebhooksTelemetry.Tags.Outcome)!)));
    }

    private DeliveryProcessor ProcessorWith(Webhooks.Payloads.PayloadStore payloads)
    {
        var monitor = new TestOptionsMonitor<WebhooksOptions>(_options);
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(TargetClient.HttpClientName)).Returns(() => new HttpClient(_targets, disposeHandler: false));
        var service = new Mock<QueueServiceClient>();
        service.Setup(s => s.GetQueueClient(DeliveriesName)).Returns(_deliveries);
        service.Setup(s => s.GetQueueClient(DeadLetterName)).Returns(_deadLetter);
        service.Setup(s => s.GetQueueClient(DeliveriesName + "-poison")).Returns(new InMemoryQueue(DeliveriesName + "-poison", _time));
        return new DeliveryProcessor(
            new WebhookQueues(service.Object, new QueueNamesOptions { Deliveries = DeliveriesName, DeadLetter = DeadLetterName }),
            new TargetClient(factory.Object, monitor, _time, payloads: payloads),
            new TargetGuard(monitor, new FakeResolver()),
            new DeliveryClassifier(new Backoff(new FixedRandom(0.5))),
            _pauses,
            monitor,
            _time,
            NullLogger<DeliveryProcessor>.Instance,
            payloads);
    }

    // A JSON body padded so that the envelope serializes to exactly `size` bytes.
    private static byte[] Fill(DeliveryEnvelope envelope, int size)
    {
        var body = envelope.Body!;
        while (true)
        {
            envelope.Body = body;
            var missing = size - EnvelopeSerializer.Serialize(envelope).Length;
            if (missing <= 0)
            {
                return body;
            }

            // Base64: 3 body bytes per 4 characters.
            var text = Encoding.UTF8.GetString(body);
            body = Encoding.UTF8.GetBytes(text.Replace("\"pad\":\"", "\"pad\":\"" + new string('x', Math.Max(1, missing * 3 / 4)), StringComparison.Ordinal));
        }
    }

    private async Task<DeliveryOutcome> ProcessAsync(string destination, string id)
    {
        var envelope = Envelope(id, """{"type":"invoice.paid"}""");
        envelope.Destination = destination;
        _deliveries.Add(Json(envelope));
        return await ProcessNextAsync();
    }

    private async Task<DeliveryOutcome> ProcessNextAsync() => await _processor.ProcessReceivedAsync(_deliveries, await ReceiveAsync());

    private async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveAsync() =>
        Assert.Single((await _deliveries.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(2))).Value);

    private static string Json(DeliveryEnvelope envelope) => Encoding.UTF8.GetString(EnvelopeSerializer.Serialize(envelope));

    private DeliveryEnvelope Envelope(string id, string body) => new()
    {
        Id = id,
        Source = "stripe",
        ReceivedAt = _time.GetUtcNow(),
        ContentType = "application/json",
        Body = Encoding.UTF8.GetBytes(body),
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    private sealed record Received(string Host, Dictionary<string, string> Headers, byte[] Body);

    /// <summary>Answers each host from its own script (then 200), recording every request.</summary>
    private sealed class HostScriptedHandler : HttpMessageHandler
    {
        private readonly Dictionary<string, Queue<int>> _scripts = new(StringComparer.OrdinalIgnoreCase);

        public List<Received> Requests { get; } = [];

        public HostScriptedHandler Script(string host, params int[] statuses)
        {
            _scripts[host] = new Queue<int>(statuses);
            return this;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Requests.Add(new Received(host, headers, request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken)));
            var status = _scripts.TryGetValue(host, out var script) && script.Count > 0 ? script.Dequeue() : 200;
            return new HttpResponseMessage((HttpStatusCode)status);
        }
    }

    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
