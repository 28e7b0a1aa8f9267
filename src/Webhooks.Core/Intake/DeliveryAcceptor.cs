using System.Globalization;
using System.Text.Json;
using Webhooks.AzureStorage;
using Microsoft.Extensions.Logging;
using Webhooks.Configuration;
using Webhooks.Dedup;
using Webhooks.Diagnostics;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Webhooks.Problems;
using Webhooks.Queuing;

namespace Webhooks.Intake;

/// <summary>
/// The last step of intake, for a delivery that passed every check: duplicate detection, claim check, durable
/// queue write — ordered so that nothing is acknowledged unless it is queued, and one provider id is not queued
/// twice.
/// </summary>
/// <remarks>
/// 1. Claim the (source, id) record (create-only): a duplicate is answered 200 and a conflicting body 409 before
/// anything is written. 2. Store the body as a blob when its envelope does not fit a message. 3. Queue the envelope.
/// 4. Confirm the record (pending → queued). When 2 or 3 fails the claim is released (the provider's retry will be
/// queued) and 503 is answered; the blob is deleted when the service definitely refused the message, and kept
/// when the outcome is unknown (timeout), since the message may exist and need it — a possible duplicate, never a
/// loss. If confirming fails the delivery is still queued and acknowledged; its record stays pending and, after
/// <see cref="IntakeOptions.DedupPendingTimeout"/>, a resend is queued again.
/// </remarks>
internal sealed partial class DeliveryAcceptor(IDeliveryQueue queue, IDeliveryDeduplicator? deduplicator, PayloadStore? payloads, ILogger logger)
{
    /// <summary>Retry-After for a resend that arrives while the first copy is still being queued.</summary>
    public const int InProgressRetryAfterSeconds = 2;

    /// <summary>Accepts <paramref name="delivery"/>: 202, 200 duplicate, or the problem that stopped it.</summary>
    public async Task<IntakeResponse> AcceptAsync(PendingDelivery delivery, IntakeOptions intake, Func<Problem, IntakeResponse> fail, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        IntakeTelemetry.Accepting(envelope, delivery.ProvidedId, envelope.Body?.Length);
        var serialized = envelope.Body is null ? null : EnvelopeSerializer.Serialize(envelope);
        var claimCheck = serialized is null || serialized.Length > queue.MaxEnvelopeBytes;
        if (claimCheck && payloads is null)
        {
            return fail(new Problem(413, ErrorCodes.PayloadTooLarge,
                $"The delivery does not fit a queue message (the limit is {queue.MaxEnvelopeBytes} bytes of envelope) and this deployment stores no large bodies."));
        }

        DedupTicket? ticket = null;
        if (delivery.ProvidedId is { } providedId && deduplicator is not null)
        {
            DedupClaim claim;
            try
            {
                using var deadline = Deadline(intake, cancellationToken);
                claim = await deduplicator.ClaimAsync(envelope.Source, providedId, delivery.BodySha256, envelope.ReceivedAt, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
            {
                IntakeTelemetry.Dedup(IntakeTelemetry.DedupUnavailable);
                LogUnavailable(ex, envelope.Source, envelope.Id);
                return Unavailable(intake, fail);
            }

            IntakeTelemetry.Dedup(claim.Verdict);
            switch (claim.Verdict)
            {
                case DedupVerdict.Duplicate:
                    LogDuplicate(envelope.Source, envelope.Id);
                    return Duplicate(claim.Original!);
                case DedupVerdict.Conflict:
                    LogConflict(envelope.Source, envelope.Id);
                    return fail(new Problem(409, ErrorCodes.DuplicateDeliveryConflict,
                        $"Delivery id '{providedId}' was already received at {claim.Original!.ReceivedAt:O} with a different body; a delivery id must not be reused for different content."));
                case DedupVerdict.InProgress:
                    return fail(new Problem(503, ErrorCodes.DeliveryInProgress, $"Delivery id '{providedId}' is being queued by an earlier request. Retry shortly.")
                        .WithHeader("Retry-After", InProgressRetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
            }

            ticket = claim.Ticket;
        }

        BodyReference? stored = null;
        try
        {
            if (claimCheck)
            {
                using (var deadline = Deadline(intake, cancellationToken))
                {
                    stored = delivery.Upload is { } upload
                        ? await payloads!.CommitAsync(upload, envelope.Source, envelope.Id, envelope.ContentType, deadline.Token).ConfigureAwait(false)
                        : await payloads!.UploadAsync(envelope.Source, envelope.Id, envelope.Body, envelope.ContentType, deadline.Token).ConfigureAwait(false);
                }

                envelope.Body = null;
                envelope.BodyRef = stored;
                serialized = EnvelopeSerializer.Serialize(envelope);
                if (serialized.Length > queue.MaxEnvelopeBytes)
                {
                    await RollbackAsync(ticket, stored, deleteBody: true).ConfigureAwait(false);
                    return fail(new Problem(413, ErrorCodes.PayloadTooLarge,
                        $"The delivery's headers alone do not fit a queue message: its envelope is {serialized.Length} bytes and the limit is {queue.MaxEnvelopeBytes} bytes."));
                }
            }

            // Never acknowledge what is not durably queued. The write gets its own deadline so a stalled queue
            // answers the provider (which will retry) instead of hanging it.
            using (var deadline = Deadline(intake, cancellationToken))
            {
                await queue.EnqueueAsync(envelope, serialized!, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            // A refusal by the service left no message behind; a timeout may have, and then it needs its body.
            await RollbackAsync(ticket, stored, deleteBody: StorageFailures.IsDefiniteRefusal(ex)).ConfigureAwait(false);
            LogUnavailable(ex, envelope.Source, envelope.Id);
            return Unavailable(intake, fail);
        }
        catch
        {
            // The caller went away (or worse): nothing was acknowledged, so the sender's retry must be accepted.
            await RollbackAsync(ticket, stored, deleteBody: false).ConfigureAwait(false);
            throw;
        }

        if (ticket is not null)
        {
            await ConfirmAsync(ticket, envelope).ConfigureAwait(false);
        }

        LogAccepted(envelope.Source, envelope.Id, stored is not null);
        return Accepted(envelope);
    }

    /// <summary>The 202 body.</summary>
    public static IntakeResponse Accepted(DeliveryEnvelope envelope) =>
        Answer(202, envelope.Id, envelope.Source, "accepted", envelope.ReceivedAt);

    private static IntakeResponse Duplicate(DedupRecord original) =>
        Answer(200, original.DeliveryId, original.Source, "duplicate", original.ReceivedAt);

    private static IntakeResponse Answer(int status, string id, string source, string state, DateTimeOffset receivedAt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("source", source);
            json.WriteString("status", state);
            json.WriteString("receivedAt", receivedAt);
            json.WriteEndObject();
        }

        return new IntakeResponse { Status = status, ContentType = "application/json", Body = buffer.WrittenMemory, DeliveryId = id };
    }

    /// <summary>The 503 for storage that cannot take the delivery: nothing was acknowledged, retry later.</summary>
    public static Problem UnavailableProblem(IntakeOptions intake) =>
        new Problem(503, ErrorCodes.QueueUnavailable, "The delivery could not be queued and was not accepted. Retry later.")
            .WithHeader("Retry-After", intake.UnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture));

    private static IntakeResponse Unavailable(IntakeOptions intake, Func<Problem, IntakeResponse> fail) => fail(UnavailableProblem(intake));

    // Every shape the SDK fails in (service answer, retries exhausted, its own timeout, refused connection), and
    // our deadline; not the caller going away.
    private static bool IsStorageFailure(Exception ex, CancellationToken cancellationToken) =>
        StorageFailures.IsStorageFailure(ex, cancellationToken);

    private static CancellationTokenSource Deadline(IntakeOptions intake, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(intake.QueueWriteTimeout);
        return deadline;
    }

    private async Task ConfirmAsync(DedupTicket ticket, DeliveryEnvelope envelope)
    {
        try
        {
            await deduplicator!.ConfirmAsync(ticket, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, CancellationToken.None))
        {
            LogConfirmFailed(ex, envelope.Source, envelope.Id);
        }
    }

    // Best effort: the rollback runs while answering 503 (or after the caller left) and must not hide that answer.
    private async Task RollbackAsync(DedupTicket? ticket, BodyReference? stored, bool deleteBody)
    {
        try
        {
            if (ticket is not null)
            {
                await deduplicator!.ReleaseAsync(ticket, CancellationToken.None).ConfigureAwait(false);
            }

            if (stored is not null && deleteBody)
            {
                await payloads!.DeleteAsync(stored, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, CancellationToken.None))
        {
            LogRollbackFailed(ex);
        }
    }

    // Debug: one line per accepted delivery cost ~20 % of intake throughput at sink speeds; webhooks.intake.requests counts them.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Accepted delivery {DeliveryId} from {Source} (body stored as a blob: {ClaimCheck})")]
    private partial void LogAccepted(string source, string deliveryId, bool claimCheck);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery {DeliveryId} from {Source} answered 200; not queued again")]
    private partial void LogDuplicate(string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} from {Source} reuses an id with a different body; answered 409")]
    private partial void LogConflict(string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue unavailable; delivery {DeliveryId} from {Source} answered 503 and not acknowledged")]
    private partial void LogUnavailable(Exception exception, string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} from {Source} is queued but its duplicate-detection record could not be confirmed")]
    private partial void LogConfirmFailed(Exception exception, string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not roll back a refused delivery's claim or body; the lifecycle rule and the pending timeout clean up")]
    private partial void LogRollbackFailed(Exception exception);
}
