using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Webhooks.Configuration;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Intake;
using Webhooks.Intake.Handshakes;
using Webhooks.Payloads;
using Webhooks.Queuing;
using Webhooks.Testing;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Intake;

/// <summary>Builds a <see cref="WebhookIntake"/> over a recording queue and a verifier the test scripts.</summary>
internal sealed class IntakeHarness
{
    public const string ValidBody = """{"type":"order.created","data":{"id":42}}""";

    public ManualTimeProvider Time { get; } = new();

    public WebhooksOptions Options { get; } = new();

    public SourceOptions Shop { get; } = new()
    {
        Verification = VerificationSchemes.StandardWebhooks,
        Secrets = ["whsec_test"],
        MaxBodyBytes = 1024,
        Validation = { RequiredFields = { ["type"] = "string", ["data.id"] = "integer" } },
    };

    public VerificationResult Verdict { get; set; } = VerificationResult.Success;

    public Mock<IDeliveryQueue> Queue { get; } = new();

    public SourceRateLimiter RateLimiter { get; }

    public List<(DeliveryEnvelope Envelope, byte[] Bytes)> Queued { get; } = [];

    public IntakeHarness()
    {
        Options.Sources["shop"] = Shop;
        RateLimiter = new SourceRateLimiter(Time);
        Queue.SetupGet(q => q.MaxEnvelopeBytes).Returns(48 * 1024);
        Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback<DeliveryEnvelope, ReadOnlyMemory<byte>, CancellationToken>((e, b, _) => Queued.Add((e, b.ToArray())))
            .Returns(Task.CompletedTask);
    }

    public WebhookIntake Build()
    {
        var verifier = new Mock<ISignatureVerifier>();
        verifier.SetupGet(v => v.Scheme).Returns(VerificationSchemes.StandardWebhooks);
        verifier.Setup(v => v.Verify(It.IsAny<VerificationContext>())).Returns(() => Verdict);
        return new WebhookIntake(
            new TestOptionsMonitor<WebhooksOptions>(Options),
            [verifier.Object],
            Queue.Object,
            RateLimiter,
            [new EventGridHandshake(), new CloudEventsHandshake(), new SlackHandshake(), new GraphHandshake()],
            Time,
            NullLogger<WebhookIntake>.Instance);
    }

    /// <summary>An intake with the real verifiers of every scheme, the given payload store and deduplicator.</summary>
    public WebhookIntake BuildWithRealVerifiers(PayloadStore? payloads, IDeliveryDeduplicator? deduplicator = null) =>
        new(
            new TestOptionsMonitor<WebhooksOptions>(Options),
            VerifierRegistry.Schemes.Select(VerifierRegistry.Get),
            Queue.Object,
            RateLimiter,
            [],
            Time,
            NullLogger<WebhookIntake>.Instance,
            deduplicator,
            payloads);

    public static IntakeRequest Request(
        string source = "shop",
        string method = "POST",
        string body = ValidBody,
        byte[]? rawBody = null,
        long? contentLength = -1,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        Dictionary<string, string>? query = null)
    {
        var bytes = rawBody ?? Encoding.UTF8.GetBytes(body);
        var all = new List<KeyValuePair<string, string>> { new("Content-Type", "application/json"), new("webhook-id", "msg_1") };
        foreach (var header in headers ?? [])
        {
            all.RemoveAll(h => string.Equals(h.Key, header.Key, StringComparison.OrdinalIgnoreCase));
            all.Add(header);
        }

        return new IntakeRequest
        {
            Method = method,
            Source = source,
            Path = $"/api/webhooks/{source}",
            Headers = new DictionaryRequestHeaders(all),
            Body = new MemoryStream(bytes),
            ContentLength = contentLength == -1 ? bytes.Length : contentLength,
            Query = query ?? new Dictionary<string, string>(),
            TraceId = "trace-1",
        };
    }
}
