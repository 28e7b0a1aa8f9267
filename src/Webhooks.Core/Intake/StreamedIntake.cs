using Microsoft.Extensions.Logging;
using Webhooks.Configuration;
using Webhooks.Intake.Streaming;
using Webhooks.Payloads;
using Webhooks.Problems;
using Webhooks.AzureStorage;
using Webhooks.Verification;

namespace Webhooks.Intake;

/// <summary>
/// Intake for a body too large to hold (larger than a queue message), in one streaming pass with memory bounded by
/// one read chunk and one upload block, and the same answers in the same precedence as for a held body.
/// </summary>
/// <remarks>
/// Before reading on, the verifier runs once on the headers (<see cref="StreamedBodyMacs"/> records the MACs it
/// wants): a missing or stale signature is known then, and such a request stages nothing. While the body streams,
/// it is hashed (SHA-256 for duplicate detection, the planned HMACs), checked as UTF-8 JSON, watched at the
/// source's required-field, id and partition-key paths, and staged as uncommitted blocks of its payload blob.
/// At the end the verifier runs again with the real MACs and the remaining checks decide; only an accepted
/// delivery's blocks are committed (a refused one's are dropped, and the service would discard them after a week
/// anyway). Registration handshakes are never this large and are answered only for held bodies.
/// </remarks>
internal sealed partial class StreamedIntake(WebhookIntake intake, PayloadStore payloads, ILogger logger)
{
    public async Task<IntakeResponse> HandleAsync(IntakeRequest request, SourceOptions source, WebhooksOptions settings, byte[] head, long maxBody, CancellationToken cancellationToken)
    {
        var now = intake.Now;
        using var macs = new StreamedBodyMacs();
        var planned = intake.Verify(request, source, settings, now, ReadOnlyMemory<byte>.Empty, macs);
        var decidedByHeaders = !macs.Requested;
        var refused = (decidedByHeaders && !planned.Succeeded) || WebhookIntake.StateProblem(source.State) is not null;

        BlockBlobWriter? upload = null;
        Exception? storageFailure = null;
        LargeBodySlot? slot = null;
        var rest = request.Body;
        if (!refused)
        {
            // 429 before reading on: the rate permit needs no body, and a large body is the costly one to read. A
            // forged MAC is only known at the end, so this is the one answer that may come before a 401 (README).
            if (intake.StateOrRateProblem(request, source) is { } rateLimited)
            {
                return rateLimited;
            }

            // 503 before reading on: every staged body holds an upload block until it is committed or dropped.
            var limits = settings.Intake;
            slot = await intake.LargeBodies.EnterAsync(limits.MaxConcurrentLargeBodies, limits.LargeBodyMinBytesPerSecond, limits.LargeBodyGracePeriod, cancellationToken).ConfigureAwait(false);
            if (slot is null)
            {
                LogBusy(request.Source, settings.Intake.MaxConcurrentLargeBodies);
                return intake.Fail(request, BusyProblem(settings.Intake));
            }

            slot.Count(head.Length);
            rest = new SlotMeteredStream(request.Body, slot);

            try
            {
                await payloads.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                upload = payloads.StartUpload(request.Source, settings.Intake.PayloadBlockBytes);
            }
            catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
            {
                storageFailure = ex;
            }
        }

        try
        {
            var watch = new JsonPathWatch(WatchedPaths(source));
            StreamedBody body;
            try
            {
                body = await StreamedBody.ReadAsync(head, rest, maxBody, decidedByHeaders ? null : macs, watch, upload, cancellationToken).ConfigureAwait(false);
            }
            catch (LargeBodyTakenOverException)
            {
                // Too slow while others waited: its slot went to a newcomer; nothing was acknowledged.
                LogTakenOver(request.Source);
                return intake.Fail(request, BusyProblem(settings.Intake));
            }

            // 413 (streamed): only the limit plus one byte was read.
            if (body.TooLarge)
            {
                return intake.Fail(request, WebhookIntake.TooLarge(maxBody));
            }

            // 401 / 403, with the MACs computed on the way.
            macs.Seal();
            var verdict = decidedByHeaders ? planned : intake.Verify(request, source, settings, now, ReadOnlyMemory<byte>.Empty, macs);
            if (!verdict.Succeeded)
            {
                return intake.Unauthenticated(request, verdict);
            }

            // 423 / 402 / 451 (429 was decided before the body streamed).
            if (WebhookIntake.StateProblem(source.State) is { } stateProblem)
            {
                return intake.Fail(request, stateProblem);
            }

            // 400: well-formed UTF-8 JSON (invalid UTF-8 is reported first, as for held bodies).
            if (!body.IsUtf8 || body.JsonError is not null)
            {
                var (code, reason) = body.IsUtf8
                    ? (ErrorCodes.InvalidJson, $"The body is not valid JSON: {body.JsonError}.")
                    : (ErrorCodes.InvalidEncoding, "The body is not valid UTF-8.");
                return intake.Fail(request, new Problem(400, code, reason) { Errors = new Dictionary<string, string[]> { ["body"] = [reason] } });
            }

            // 422.
            var errors = JsonBodyValidator.Validate(source.Validation, path => watch.Last(path) is { } seen ? (seen.Kind, seen.IsInt64) : null);
            if (errors.Count > 0)
            {
                return intake.Invalid(request, errors);
            }

            if ((storageFailure ?? body.UploadFailure) is { } failure)
            {
                LogUploadFailed(failure, request.Source);
                return intake.Fail(request, DeliveryAcceptor.UnavailableProblem(settings.Intake));
            }

            var providedId = DeliveryIdResolver.Provided(source.Verification, request.Headers, BodyId(source, watch));
            var envelope = intake.NewEnvelope(request, providedId, now, PartitionKey(source, watch));
            return await intake.AcceptAsync(request, new PendingDelivery(envelope, providedId, body.Sha256, upload), settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (upload is not null)
            {
                // A no-op once the delivery was accepted (committed); otherwise drops the staged blocks.
                await upload.DiscardAsync(CancellationToken.None).ConfigureAwait(false);
            }

            slot?.Dispose();
        }
    }

    private static Problem BusyProblem(IntakeOptions settings) =>
        new Problem(503, ErrorCodes.ServerBusy, "Too many large deliveries are being received right now; this one was not read or accepted. Retry later.")
            .WithHeader("Retry-After", settings.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static IEnumerable<string> WatchedPaths(SourceOptions source)
    {
        foreach (var path in source.Validation.RequiredFields.Keys)
        {
            yield return path;
        }

        if (DeliveryIdExtractor.BodyIdProperty(source.Verification) is { } idProperty)
        {
            yield return idProperty;
        }

        if (source.PartitionKey is { Length: > 0 } partitionKey)
        {
            yield return partitionKey;
        }
    }

    // As DeliveryIdExtractor.FromJsonBody: the first top-level property of that name, if it is a usable string.
    private static string? BodyId(SourceOptions source, JsonPathWatch watch) =>
        DeliveryIdExtractor.BodyIdProperty(source.Verification) is { } property
        && watch.First(property) is { Kind: System.Text.Json.JsonValueKind.String, Text: var id }
        && DeliveryIdExtractor.IsUsable(id)
            ? id
            : null;

    private static string? PartitionKey(SourceOptions source, JsonPathWatch watch) =>
        source.PartitionKey is { Length: > 0 } path
        && watch.Last(path) is { Kind: System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number, Text: { Length: <= WebhookIntake.MaxPartitionKeyLength } key }
            ? key
            : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not stage a large body from {Source} in blob storage; answered 503 and not acknowledged")]
    private partial void LogUploadFailed(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped reading a large body from {Source} and answered 503: it arrived slower than Webhooks:Intake:LargeBodyMinBytesPerSecond while another delivery waited for its slot")]
    private partial void LogTakenOver(string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a large body from {Source} with 503: {Limit} large bodies are already streaming on this instance (Webhooks:Intake:MaxConcurrentLargeBodies)")]
    private partial void LogBusy(string source, int limit);
}
