using System.Globalization;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Envelopes;
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
/// 404 → 405 → 413 (declared) → 415 → 406 → 413 (streamed) → 401/403 → 423/402/451 → 429 → 400 → 422 → 202 / 503.
/// </remarks>
public sealed partial class WebhookIntake(
    IOptionsMonitor<WebhooksOptions> options,
    IEnumerable<ISignatureVerifier> verifiers,
    IDeliveryQueue queue,
    SourceRateLimiter rateLimiter,
    IEnumerable<IHandshakeResponder> handshakes,
    TimeProvider timeProvider,
    ILogger<WebhookIntake> logger)
{
    private readonly Dictionary<string, ISignatureVerifier> _verifiers =
        verifiers.ToDictionary(v => v.Scheme, StringComparer.OrdinalIgnoreCase);

    private readonly IHandshakeResponder[] _handshakes = [.. handshakes];

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
        foreach (var handshake in _handshakes)
        {
            if (handshake.IsEnabled(source) && handshake.TryAnswerUnsigned(request, source) is { } answer)
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

        // 413 (streamed): senders may lie about or omit Content-Length.
        var body = await BodyReader.ReadAsync(request.Body, maxBody, request.ContentLength, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Fail(request, TooLarge(maxBody));
        }

        // 401 / 403: who is it?
        var now = timeProvider.GetUtcNow();
        var verdict = Verify(request, source, body, now, settings);
        if (!verdict.Succeeded)
        {
            LogRejected(request.Source, verdict.Status, verdict.ErrorCode);
            return Fail(request, new Problem(verdict.Status, verdict.ErrorCode ?? ErrorCodes.InvalidSignature, verdict.Message ?? "The delivery could not be authenticated."));
        }

        // 423 / 402 / 451: the source's account state, told only to its real sender.
        if (StateProblem(source.State) is { } stateProblem)
        {
            return Fail(request, stateProblem);
        }

        // 429: per-source rate limit.
        if (!rateLimiter.TryAcquire(request.Source, source.RateLimit, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            return Fail(request, new Problem(429, ErrorCodes.RateLimited, $"Too many deliveries for source '{request.Source}'. Retry after {seconds} s.")
                .WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)));
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
            return Fail(request, new Problem(422, ErrorCodes.InvalidArguments, "The given data was invalid.") { Errors = errors });
        }

        var envelope = new DeliveryEnvelope
        {
            Id = DeliveryIdResolver.Resolve(source.Verification, request.Headers, body, Guid.CreateVersion7),
            Source = request.Source,
            ReceivedAt = now,
            ContentType = request.Headers["Content-Type"]!,
            Headers = ForwardedHeaders.Capture(request.Headers),
            Body = body,
        };

        return await EnqueueAsync(request, envelope, settings.Intake, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IntakeResponse> EnqueueAsync(IntakeRequest request, DeliveryEnvelope envelope, IntakeOptions intake, CancellationToken cancellationToken)
    {
        var serialized = EnvelopeSerializer.Serialize(envelope);
        if (serialized.Length > queue.MaxEnvelopeBytes)
        {
            return Fail(request, new Problem(413, ErrorCodes.PayloadTooLarge,
                $"The delivery does not fit a queue message: its envelope is {serialized.Length} bytes and the limit is {queue.MaxEnvelopeBytes} bytes (64 KiB of base64 text)."));
        }

        // 503: never acknowledge what is not durably queued. The write gets its own deadline so a stalled queue
        // answers the provider (which will retry) instead of hanging it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(intake.QueueWriteTimeout);
        try
        {
            await queue.EnqueueAsync(envelope, serialized, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogQueueUnavailable(ex, envelope.Source, envelope.Id);
            var retryAfter = intake.UnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Fail(request, new Problem(503, ErrorCodes.QueueUnavailable, "The delivery could not be queued and was not accepted. Retry later.")
                .WithHeader("Retry-After", retryAfter));
        }

        LogAccepted(envelope.Source, envelope.Id);
        return Accepted(envelope);
    }

    private VerificationResult Verify(IntakeRequest request, SourceOptions source, byte[] body, DateTimeOffset now, WebhooksOptions settings)
    {
        if (!_verifiers.TryGetValue(source.Verification, out var verifier))
        {
            // Options validation refuses unknown schemes at start; this guards a bad reload.
            return VerificationResult.Unauthorized(ErrorCodes.InvalidSignature, "The source's verification scheme is not available.");
        }

        return verifier.Verify(new VerificationContext(request.Source, source, request.Headers, body, now, settings.Sources));
    }

    private static Problem? StateProblem(string state) => state.ToLowerInvariant() switch
    {
        SourceStates.Locked => new Problem(423, ErrorCodes.SourceLocked, "This webhook source is locked; deliveries are refused until it is unlocked."),
        SourceStates.PaymentRequired => new Problem(402, ErrorCodes.PaymentRequired, "The subscription for this webhook source is past due or its trial has expired."),
        SourceStates.Suspended => new Problem(451, ErrorCodes.SourceSuspended, "This webhook source has been suspended."),
        _ => null,
    };

    private static Problem TooLarge(long maxBody) =>
        new(413, ErrorCodes.PayloadTooLarge, $"The body exceeds this source's limit of {maxBody} bytes.");

    private IntakeResponse Fail(IntakeRequest request, Problem problem) =>
        IntakeResponse.FromProblem(problem, request.Path, timeProvider.GetUtcNow(), request.TraceId);

    private static IntakeResponse Accepted(DeliveryEnvelope envelope)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", envelope.Id);
            json.WriteString("source", envelope.Source);
            json.WriteString("status", "accepted");
            json.WriteString("receivedAt", envelope.ReceivedAt);
            json.WriteEndObject();
        }

        return new IntakeResponse { Status = 202, ContentType = "application/json", Body = buffer.WrittenMemory, DeliveryId = envelope.Id };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted delivery {DeliveryId} from {Source}")]
    private partial void LogAccepted(string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery for {Source}: {Status} {ErrorCode}")]
    private partial void LogRejected(string source, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue unavailable; delivery {DeliveryId} from {Source} answered 503 and not acknowledged")]
    private partial void LogQueueUnavailable(Exception exception, string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the {Handshake} handshake for {Source}")]
    private partial void LogHandshake(string source, string handshake);
}
