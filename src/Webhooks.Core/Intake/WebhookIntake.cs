using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Webhooks.Problems;
using Webhooks.Queuing;
using Webhooks.Verification;

namespace Webhooks.Intake;

/// <summary>
/// Intake: answers one delivery with the documented status, and acknowledges (202) only once it is durably queued.
/// </summary>
/// <remarks>
/// Checks run in the documented precedence (README, "Status codes"): what can be decided from the route, headers
/// and declared length comes first and costs nothing; the body is read only for callers that got that far, and
/// nothing about a source's state or limits is revealed before the caller has proven who it is.
/// 404 → 405 → 413 (declared) → 415 → 406 → 413 (streamed) → 401/403 → 423/402/451 → 429 → 400 → 422 →
/// 200 duplicate / 409 conflict → 202 / 503.
/// Bodies that fit a queue message are held in memory; larger ones stream through every check in one pass while
/// being staged to blob storage (see <see cref="StreamedIntake"/>), so memory stays at one block per request.
/// </remarks>
public sealed partial class WebhookIntake(
    IOptionsMonitor<WebhooksOptions> options,
    IEnumerable<ISignatureVerifier> verifiers,
    IDeliveryQueue queue,
    SourceRateLimiter rateLimiter,
    IEnumerable<IHandshakeResponder> handshakes,
    TimeProvider timeProvider,
    ILogger<WebhookIntake> logger,
    IDeliveryDeduplicator? deduplicator = null,
    PayloadStore? payloads = null)
{
    private readonly Dictionary<string, ISignatureVerifier> _verifiers =
        verifiers.ToDictionary(v => v.Scheme, StringComparer.OrdinalIgnoreCase);

    private readonly IHandshakeResponder[] _handshakes = [.. handshakes];

    private readonly DeliveryAcceptor _acceptor = new(queue, deduplicator, payloads, logger);

    /// <summary>Handles one request on <c>/api/webhooks/{source}</c>.</summary>
    public async Task<IntakeResponse> HandleAsync(IntakeRequest request, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;

        // 404: unknown source — nothing else about it can be said.
        if (!settings.Sources.TryGetValue(request.Source, out var source))
        {
            return Fail(request, new Problem(404, ErrorCodes.NotFound, $"No webhook source named '{request.Source}' is configured.") { Entity = ProblemEntities.Source });
        }

        // Registration handshakes that carry no signed body (CloudEvents OPTIONS, Graph validationToken).
        foreach (var handshake in _handshakes.Where(h => h.IsEnabled(source)))
        {
            if (handshake.RefuseUnsigned(request) is { } refusal)
            {
                return Fail(request, refusal);
            }

            if (handshake.TryAnswerUnsigned(request, source) is { } answer)
            {
                LogHandshake(request.Source, handshake.Name);
                return answer;
            }
        }

        // 405: only POST delivers.
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            var allow = _handshakes.Any(h => h.IsEnabled(source) && h.AllowsOptions) ? "POST, OPTIONS" : "POST";
            return Fail(request, new Problem(405, ErrorCodes.MethodNotAllowed, $"Use POST to deliver to this webhook; {request.Method} is not allowed.").WithHeader("Allow", allow));
        }

        // 413 (declared): refuse before reading a byte.
        var maxBody = source.MaxBodyBytes ?? settings.Intake.DefaultMaxBodyBytes;
        if (request.ContentLength > maxBody)
        {
            return Fail(request, TooLarge(maxBody));
        }

        // 415, 406: we read JSON and answer JSON.
        if (!MediaTypes.IsJson(request.Headers["Content-Type"]))
        {
            return Fail(request, new Problem(415, ErrorCodes.UnsupportedMediaType, "Send the delivery as application/json (or an application/*+json type)."));
        }

        if (!MediaTypes.AcceptsJson(request.Headers["Accept"]))
        {
            return Fail(request, new Problem(406, ErrorCodes.NotAcceptable, "This endpoint answers only application/json and application/problem+json; the Accept header excludes both."));
        }

        // 413 (streamed): senders may lie about or omit Content-Length. A body that fits a queue message is held;
        // a larger one streams (only possible when a payload store can take it).
        var holdLimit = (int)Math.Min(maxBody, payloads is null ? Array.MaxLength - 1 : queue.MaxEnvelopeBytes);
        var head = await BodyReader.ReadHeadAsync(request.Body, holdLimit, request.ContentLength, cancellationToken).ConfigureAwait(false);
        if (head.IsComplete)
        {
            return await HandleHeldAsync(request, source, settings, head.Bytes, cancellationToken).ConfigureAwait(false);
        }

        if (payloads is null || holdLimit >= maxBody)
        {
            return Fail(request, TooLarge(maxBody));
        }

        var streamed = new StreamedIntake(this, payloads, logger);
        return await streamed.HandleAsync(request, source, settings, head.Bytes, maxBody, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IntakeResponse> HandleHeldAsync(IntakeRequest request, SourceOptions source, WebhooksOptions settings, byte[] body, CancellationToken cancellationToken)
    {
        // 401 / 403: who is it?
        var now = timeProvider.GetUtcNow();
        var verdict = Verify(request, source, settings, now, body, macs: null);
        if (!verdict.Succeeded)
        {
            return Unauthenticated(request, verdict);
        }

        // 423 / 402 / 451, then 429.
        if (StateOrRateProblem(request, source) is { } refused)
        {
            return refused;
        }

        // 400: well-formed UTF-8 JSON.
        using var document = JsonBodyValidator.TryParse(body, out var parseCode, out var parseReason);
        if (document is null)
        {
            return Fail(request, new Problem(400, parseCode!, parseReason!) { Errors = new Dictionary<string, string[]> { ["body"] = [parseReason!] } });
        }

        // Signed registration handshakes (Event Grid validation, Slack url_verification) are answered, never queued.
        foreach (var handshake in _handshakes)
        {
            if (handshake.IsEnabled(source) && handshake.TryAnswerVerified(request, document.RootElement) is { } answer)
            {
                LogHandshake(request.Source, handshake.Name);
                return answer;
            }
        }

        // 422: the source's own rules, every failing field listed.
        var errors = JsonBodyValidator.Validate(document.RootElement, source.Validation);
        if (errors.Count > 0)
        {
            return Invalid(request, errors);
        }

        var fromBody = DeliveryIdExtractor.FromHeaders(source.Verification, request.Headers) is null ? DeliveryIdExtractor.FromJsonBody(source.Verification, body) : null;
        var providedId = DeliveryIdResolver.Provided(source.Verification, request.Headers, fromBody);
        var envelope = NewEnvelope(request, providedId, now, PartitionKeyOf(document.RootElement, source));
        envelope.Body = body;
        return await AcceptAsync(request, new PendingDelivery(envelope, providedId, SHA256.HashData(body), Upload: null), settings, cancellationToken).ConfigureAwait(false);
    }

    internal Task<IntakeResponse> AcceptAsync(IntakeRequest request, PendingDelivery delivery, WebhooksOptions settings, CancellationToken cancellationToken) =>
        _acceptor.AcceptAsync(delivery, settings.Intake, problem => Fail(request, problem), cancellationToken);

    internal VerificationResult Verify(IntakeRequest request, SourceOptions source, WebhooksOptions settings, DateTimeOffset now, ReadOnlyMemory<byte> body, IBodyMacs? macs)
    {
        if (!_verifiers.TryGetValue(source.Verification, out var verifier))
        {
            // Options validation refuses unknown schemes at start; this guards a bad reload.
            return VerificationResult.Unauthorized(ErrorCodes.InvalidSignature, "The source's verification scheme is not available.");
        }

        return verifier.Verify(new VerificationContext(request.Source, source, request.Headers, body, now, settings.Sources) { Macs = macs });
    }

    internal IntakeResponse Unauthenticated(IntakeRequest request, VerificationResult verdict)
    {
        LogRejected(request.Source, verdict.Status, verdict.ErrorCode);
        return Fail(request, new Problem(verdict.Status, verdict.ErrorCode ?? ErrorCodes.InvalidSignature, verdict.Message ?? "The delivery could not be authenticated."));
    }

    /// <summary>423 / 402 / 451 (the source's account state, told only to its real sender), then 429 (per-source rate limit).</summary>
    internal IntakeResponse? StateOrRateProblem(IntakeRequest request, SourceOptions source)
    {
        if (StateProblem(source.State) is { } stateProblem)
        {
            return Fail(request, stateProblem);
        }

        if (!rateLimiter.TryAcquire(request.Source, source.RateLimit, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            return Fail(request, new Problem(429, ErrorCodes.RateLimited, $"Too many deliveries for source '{request.Source}'. Retry after {seconds} s.")
                .WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)));
        }

        return null;
    }

    internal IntakeResponse Invalid(IntakeRequest request, Dictionary<string, string[]> errors) =>
        Fail(request, new Problem(422, ErrorCodes.InvalidArguments, "The given data was invalid.") { Errors = errors });

    internal DeliveryEnvelope NewEnvelope(IntakeRequest request, string? providedId, DateTimeOffset now, string? partitionKey) => new()
    {
        Id = providedId ?? DeliveryIdResolver.Mint(Guid.CreateVersion7),
        Source = request.Source,
        ReceivedAt = now,
        ContentType = request.Headers["Content-Type"]!,
        Headers = ForwardedHeaders.Capture(request.Headers),
        PartitionKey = partitionKey,
        TraceParent = Diagnostics.TraceParents.Current(), // what every delivery attempt continues
        ProviderTraceParent = Diagnostics.TraceParents.Valid(request.Headers["traceparent"]),
    };

    internal static Problem? StateProblem(string state) => state.ToLowerInvariant() switch
    {
        SourceStates.Locked => new Problem(423, ErrorCodes.SourceLocked, "This webhook source is locked; deliveries are refused until it is unlocked."),
        SourceStates.PaymentRequired => new Problem(402, ErrorCodes.PaymentRequired, "The subscription for this webhook source is past due or its trial has expired."),
        SourceStates.Suspended => new Problem(451, ErrorCodes.SourceSuspended, "This webhook source has been suspended."),
        _ => null,
    };

    internal static Problem TooLarge(long maxBody) =>
        new(413, ErrorCodes.PayloadTooLarge, $"The body exceeds this source's limit of {maxBody} bytes.");

    internal IntakeResponse Fail(IntakeRequest request, Problem problem) =>
        IntakeResponse.FromProblem(problem, request.Path, timeProvider.GetUtcNow(), request.TraceId);

    internal DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>The large bodies this instance is streaming to blob storage now, bounded by <c>MaxConcurrentLargeBodies</c>.</summary>
    internal LargeBodyGate LargeBodies { get; } = new(timeProvider);

    /// <summary>The longest partition key kept; a longer value spreads round-robin like a missing one.</summary>
    internal const int MaxPartitionKeyLength = 1024;

    // A string or number at the source's PartitionKey path; anything else spreads round-robin.
    private static string? PartitionKeyOf(JsonElement root, SourceOptions source)
    {
        if (source.PartitionKey is not { Length: > 0 } path || !JsonBodyValidator.TryResolve(root, path, out var value))
        {
            return null;
        }

        var key = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : SenderJson.GetString(value);
        return key is { Length: <= MaxPartitionKeyLength } ? key : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery for {Source}: {Status} {ErrorCode}")]
    private partial void LogRejected(string source, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the {Handshake} handshake for {Source}")]
    private partial void LogHandshake(string source, string handshake);
}
