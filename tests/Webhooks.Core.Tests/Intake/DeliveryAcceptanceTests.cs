using System.Text;
using System.Text.Json;
using Azure;
using Moq;
using Webhooks.Core.Tests.Payloads;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Configuration;
using Webhooks.Intake;
using Webhooks.Testing;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Intake;

/// <summary>
/// The order of the last steps — claim, store, queue, confirm — and what each failure leaves behind: nothing is
/// acknowledged unless queued, nothing queued twice, and a failed attempt never blocks the provider's retry.
/// </summary>
public sealed class DeliveryAcceptanceTests
{
    private readonly IntakeHarness _harness = new();
    private readonly Mock<IDeliveryDeduplicator> _dedup = new(MockBehavior.Strict);
    private readonly InMemoryPayloadStore _payloads = new();
    private readonly List<string> _steps = [];

    public DeliveryAcceptanceTests()
    {
        _harness.Shop.MaxBodyBytes = 1024 * 1024;
        _harness.Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback<DeliveryEnvelope, ReadOnlyMemory<byte>, CancellationToken>((envelope, bytes, _) =>
            {
                _steps.Add("enqueue");
                _harness.Queued.Add((envelope, bytes.ToArray()));
            })
            .Returns(Task.CompletedTask);
        _dedup.Setup(d => d.ConfirmAsync(It.IsAny<DedupTicket>(), It.IsAny<CancellationToken>())).Callback(() => _steps.Add("confirm")).Returns(Task.CompletedTask);
        _dedup.Setup(d => d.ReleaseAsync(It.IsAny<DedupTicket>(), It.IsAny<CancellationToken>())).Callback(() => _steps.Add("release")).Returns(Task.CompletedTask);
    }

    [Fact]
    public async Task NewDelivery_IsClaimedThenQueuedThenConfirmed()
    {
        Claims(DedupVerdict.New);

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(202, response.Status);
        Assert.Equal(["claim", "enqueue", "confirm"], _steps);
    }

    [Fact]
    public async Task Duplicate_Is200WithTheOriginalIdAndTime_AndNothingIsQueued()
    {
        var original = Record(DedupStates.Queued);
        Claims(DedupVerdict.Duplicate, original);

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(200, response.Status);
        using var body = JsonDocument.Parse(response.Body);
        Assert.Equal("msg_1", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("duplicate", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(original.ReceivedAt, body.RootElement.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(["claim"], _steps);
        Assert.Empty(_harness.Queued);
    }

    [Fact]
    public async Task Conflict_Is409DuplicateDeliveryConflict()
    {
        Claims(DedupVerdict.Conflict, Record(DedupStates.Queued));

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(409, response.Status);
        Assert.Equal("duplicateDeliveryConflict", response.ErrorCode);
        Assert.Empty(_harness.Queued);
    }

    [Fact]
    public async Task InProgress_Is503WithAShortRetryAfter()
    {
        Claims(DedupVerdict.InProgress, Record(DedupStates.Pending));

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(503, response.Status);
        Assert.Equal("deliveryInProgress", response.ErrorCode);
        Assert.Contains(new KeyValuePair<string, string>("Retry-After", "2"), response.Headers);
        Assert.Empty(_harness.Queued);
    }

    [Fact]
    public async Task ClaimStorageFailure_Is503_AndNothingIsQueued()
    {
        _dedup.Setup(d => d.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(0, "blob storage down"));

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(503, response.Status);
        Assert.Equal("queueUnavailable", response.ErrorCode);
        Assert.Empty(_steps);
    }

    [Theory]
    [InlineData(503, false)] // the service refused the message: its blob is garbage
    [InlineData(0, true)]    // timeout: the message may exist and need its blob
    public async Task QueueFailure_ReleasesTheClaim_Answers503_AndDeletesTheBlobOnlyWhenNoMessageCanExist(int status, bool blobKept)
    {
        Claims(DedupVerdict.New);
        _harness.Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback(() => _steps.Add("enqueue"))
            .ThrowsAsync(new RequestFailedException(status, "queue trouble"));
        var large = "{\"type\":\"order\",\"data\":{\"id\":1},\"pad\":\"" + new string('x', 60_000) + "\"}";

        var response = await Intake().HandleAsync(IntakeHarness.Request(body: large));

        Assert.Equal(503, response.Status);
        Assert.Equal(["claim", "enqueue", "release"], _steps);
        Assert.Equal(blobKept, _payloads.Blobs.Count == 1);
    }

    [Fact]
    public async Task ConfirmFailure_StillAcknowledges_BecauseTheDeliveryIsQueued()
    {
        Claims(DedupVerdict.New);
        _dedup.Setup(d => d.ConfirmAsync(It.IsAny<DedupTicket>(), It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(500, "hiccup"));

        var response = await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(202, response.Status);
        Assert.Single(_harness.Queued);
    }

    [Fact]
    public async Task DeliveryWithoutAProviderId_IsNotClaimed()
    {
        var response = await Intake().HandleAsync(IntakeHarness.Request(headers: [new("webhook-id", "has space")]));

        Assert.Equal(202, response.Status);
        Assert.StartsWith("wh_", Assert.Single(_harness.Queued).Envelope.Id, StringComparison.Ordinal);
        _dedup.Verify(d => d.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task TheClaimCarriesTheBodyHash_SoADifferentBodyCanBeTold()
    {
        byte[]? hash = null;
        Claims(DedupVerdict.New, onClaim: h => hash = h);

        await Intake().HandleAsync(IntakeHarness.Request());

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(IntakeHarness.ValidBody)), hash);
    }

    private WebhookIntake Intake() => new(
        new TestOptionsMonitor<WebhooksOptions>(_harness.Options),
        [new PassingVerifier()],
        _harness.Queue.Object,
        _harness.RateLimiter,
        [],
        _harness.Time,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookIntake>.Instance,
        _dedup.Object,
        _payloads);

    private void Claims(DedupVerdict verdict, DedupRecord? original = null, Action<byte[]>? onClaim = null) =>
        _dedup.Setup(d => d.ClaimAsync("shop", "msg_1", It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, ReadOnlyMemory<byte>, DateTimeOffset, CancellationToken>((_, _, hash, _, _) =>
            {
                _steps.Add("claim");
                onClaim?.Invoke(hash.ToArray());
            })
            .ReturnsAsync(new DedupClaim(verdict, original, verdict == DedupVerdict.New ? new DedupTicket("dedup/shop/x", "\"1\"", Record(DedupStates.Pending)) : null));

    private static DedupRecord Record(string state) => new()
    {
        DeliveryId = "msg_1", Source = "shop", BodySha256 = "00", ReceivedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        ClaimedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), State = state,
    };

    private sealed class PassingVerifier : ISignatureVerifier
    {
        public string Scheme => VerificationSchemes.StandardWebhooks;

        public VerificationResult Verify(VerificationContext context) => VerificationResult.Success;
    }
}
