using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Diagnostics;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Delivery.Routing;
using Webhooks.Intake;

namespace Webhooks.Delivery;

/// <summary>
/// Processes one queued delivery: decode, route it to its destination (fanning a delivery that matches several out
/// into one message each), check the destination, call it (unless it is paused or over its rate limit), classify the
/// answer, record the attempt, and settle the message — delete, requeue with a delay, hold, or dead-letter (record
/// first, then delete: a crash in between duplicates, never loses).
/// </summary>
/// <remarks>
/// Two entry points with the same decisions: <see cref="ProcessReceivedAsync"/> for our own poll loop, which settles
/// the received message itself, and <see cref="ProcessTriggeredAsync"/> for the Functions queue trigger, whose host
/// deletes the message when the function returns, so requeues are new messages. Once the target has been called,
/// settling ignores cancellation: abandoning a settled-in-effect delivery would only call the target again.
/// </remarks>
public sealed class DeliveryProcessor
{
    /// <summary>Attempts kept in the envelope's history (the count itself is never trimmed).</summary>
    public const int MaxAttemptHistory = 10;

    // The largest payload whose base64 text fits a queue message.
    private const int MaxPayloadBytes = StorageNames.MaxMessagePayloadBytes;

    // A message this close to expiring is re-sent with no expiry rather than made invisible past its end.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromHours(1);

    // Per-try timeout of the fan-out's copy writes. They are off intake's clock (the delivery is already safe in the
    // queue), and a copy whose answer was late is written twice when retried: waiting longer costs nothing, giving up
    // early costs a duplicate per destination or, after the last try, the whole fan-out again.
    private static readonly TimeSpan FanOutWriteTimeout = TimeSpan.FromSeconds(10);

    private readonly WebhookQueues _queues;
    private readonly TargetClient _targets;
    private readonly TargetGuard _guard;
    private readonly DeliveryClassifier _classifier;
    private readonly TargetPauseRegistry _pauses;
    private readonly IOptionsMonitor<WebhooksOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DeliveryProcessor> _logger;
    private readonly PayloadStore? _payloads;
    private readonly WebhooksMetrics? _metrics;
    private readonly DeadLetters.DeadLetterWriter? _deadLetters;
    private readonly DeliveryRouter _router;
    private readonly SourceRateLimiter _rateLimits;

    /// <summary>Creates the processor.</summary>
    /// <remarks><paramref name="payloads"/> deletes a claim-check body once its delivery is done (dead letters keep theirs for replay).</remarks>
    public DeliveryProcessor(
        WebhookQueues queues,
        TargetClient targets,
        TargetGuard guard,
        DeliveryClassifier classifier,
        TargetPauseRegistry pauses,
        IOptionsMonitor<WebhooksOptions> options,
        TimeProvider timeProvider,
        ILogger<DeliveryProcessor> logger,
        PayloadStore? payloads = null,
        WebhooksMetrics? metrics = null,
        DeadLetters.DeadLetterWriter? deadLetters = null)
    {
        _deadLetters = deadLetters;
        _metrics = metrics;
        _queues = queues;
        _targets = targets;
        _guard = guard;
        _classifier = classifier;
        _pauses = pauses;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _payloads = payloads;
        _router = new DeliveryRouter(payloads);
        _rateLimits = new SourceRateLimiter(timeProvider);
    }

    /// <summary>
    /// The poll-loop path: processes <paramref name="message"/>, received from <paramref name="queue"/>, and settles
    /// it — Delete when delivered; Update (new envelope, visibility = delay) when requeued or held; dead-letter
    /// record then Delete when dead-lettered.
    /// </summary>
    /// <exception cref="RequestFailedException">Storage failed while settling; the message reappears after its visibility timeout.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the target was called or while it was being called; nothing was settled.</exception>
    public async Task<DeliveryOutcome> ProcessReceivedAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(message);
        // The raw text is the message as the queue holds it: base64 of the body (the client's encoding).
        var verdict = await DecideAsync(message.Body.ToMemory(), () => Convert.ToBase64String(message.Body.ToMemory().Span), queue.Name, cancellationToken).ConfigureAwait(false);
        using var scope = BeginScope(verdict.Outcome, queue.Name);
        Record(verdict.Outcome);

        switch (verdict.Outcome.Kind)
        {
            case DeliveryOutcomeKind.Delivered:
                await DeleteAsync(queue, message).ConfigureAwait(false);
                await DeletePayloadAsync(verdict.Payload).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.Requeued or DeliveryOutcomeKind.Held:
                await RequeueReceivedAsync(queue, message, verdict).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.DeadLettered:
                await WriteDeadLetterAsync(verdict.Record!).ConfigureAwait(false);
                await DeleteAsync(queue, message).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.FannedOut:
                // Copies first, then the original: a crash in between fans out again (duplicates, never losses).
                await SendCopiesAsync(queue, verdict.Outcome, verdict.Copies!).ConfigureAwait(false);
                await DeleteAsync(queue, message).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.Unmatched:
                await DeleteAsync(queue, message).ConfigureAwait(false);
                await DeletePayloadAsync(verdict.Payload).ConfigureAwait(false);
                break;
        }

        return verdict.Outcome;
    }

    /// <summary>
    /// The Functions queue-trigger path: processes a message the host received from the deliveries queue and will
    /// delete when this returns. Requeued or held deliveries are sent again to the deliveries queue, invisible for
    /// the delay and never expiring; dead letters are written to the dead-letter queue; a fanned-out delivery's
    /// per-destination messages are written to the deliveries queue before this returns.
    /// </summary>
    /// <exception cref="RequestFailedException">Storage failed; let it reach the host, which retries and finally poisons the message.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before or during the call; nothing was written.</exception>
    public Task<DeliveryOutcome> ProcessTriggeredAsync(BinaryData messageBody, CancellationToken cancellationToken = default) =>
        ProcessTriggeredAsync(messageBody, _queues.Deliveries.Name, cancellationToken);

    /// <summary>
    /// As <see cref="ProcessTriggeredAsync(BinaryData, CancellationToken)"/>, for a message from delivery queue
    /// <paramref name="queueName"/> (one trigger per queue when <c>Webhooks:Queues:Count</c> is above 1): requeues
    /// go back to that queue.
    /// </summary>
    public async Task<DeliveryOutcome> ProcessTriggeredAsync(BinaryData messageBody, string queueName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageBody);
        var body = messageBody.ToMemory();
        var queue = _queues.DeliveryQueues.FirstOrDefault(q => q.Name == queueName) ?? _queues.Deliveries;
        var verdict = await DecideAsync(body, () => Convert.ToBase64String(body.Span), queue.Name, cancellationToken).ConfigureAwait(false);
        using var scope = BeginScope(verdict.Outcome, queue.Name);
        Record(verdict.Outcome);

        switch (verdict.Outcome.Kind)
        {
            case DeliveryOutcomeKind.Delivered:
                await DeletePayloadAsync(verdict.Payload).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.Requeued or DeliveryOutcomeKind.Held:
                await queue.SendMessageAsync(new BinaryData(verdict.Updated ?? body), verdict.Outcome.Delay, StorageNames.NeverExpires, CancellationToken.None).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.DeadLettered:
                await WriteDeadLetterAsync(verdict.Record!).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.FannedOut:
                // The host deletes the original once this returns; a failure here leaves it to be fanned out again.
                await SendCopiesAsync(queue, verdict.Outcome, verdict.Copies!).ConfigureAwait(false);
                break;

            case DeliveryOutcomeKind.Unmatched:
                await DeletePayloadAsync(verdict.Payload).ConfigureAwait(false);
                break;
        }

        return verdict.Outcome;
    }

    private async Task<Verdict> DecideAsync(ReadOnlyMemory<byte> body, Func<string> rawText, string originQueue, CancellationToken cancellationToken)
    {
        DeliveryEnvelope envelope;
        try
        {
            envelope = EnvelopeSerializer.Deserialize(body.Span);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Decoding is pure: whatever it throws, the message is not a usable envelope, and retrying cannot help.
            _logger.LogError("Undecodable message on queue {Queue} ({Length} bytes) dead-lettered as malformedMessage: {Error}", originQueue, body.Length, ex.Message);
            DeliveryTelemetry.Undecodable(originQueue, DeadLetterReasons.MalformedMessage);
            return DeadLetter(
                new DeadLetterRecord { RawMessage = rawText(), Reason = DeadLetterReasons.MalformedMessage, Detail = ex.Message, DeadLetteredAt = Now, OriginQueue = originQueue },
                new DeliveryOutcome { Kind = DeliveryOutcomeKind.DeadLettered, Reason = DeadLetterReasons.MalformedMessage, Detail = ex.Message });
        }

        envelope.Attempts ??= []; // "attempts": null in hand-made messages
        using var activity = DeliveryTelemetry.Start(envelope, originQueue);
        using var scope = _logger.BeginScope(DeliveryLogScope.For(envelope, originQueue));
        var verdict = await DecideEnvelopeAsync(envelope, originQueue, cancellationToken).ConfigureAwait(false);
        DeliveryTelemetry.Settled(activity, envelope, verdict.Outcome, Now, _metrics);
        return verdict;
    }

    private async Task<Verdict> DecideEnvelopeAsync(DeliveryEnvelope envelope, string originQueue, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.Sources.TryGetValue(envelope.Source, out var source))
        {
            return NotDeliverable(envelope, originQueue, DeadLetterReasons.TargetNotConfigured, $"source '{envelope.Source}' is not configured");
        }

        var destinations = source.ResolveDestinations(options.Delivery);

        // Several destinations may share a claim-check body: only a source's one destination may delete it; with
        // more, the payload container's lifecycle rule does (Delivery README, "Fan-out").
        var ownsBody = destinations.Count == 1;
        ResolvedDestination? destination;
        if (DestinationNames.IsDefault(envelope.Destination) && !destinations.ContainsKey(DestinationNames.Default))
        {
            // Written while the source had its single Target; it has named destinations now: route it like new.
            envelope.Destination = null;
        }

        if (envelope.Destination is null)
        {
            IReadOnlyList<ResolvedDestination> matched;
            try
            {
                matched = await _router.MatchAsync(envelope, destinations, cancellationToken).ConfigureAwait(false);
            }
            catch (PayloadNotFoundException ex)
            {
                return NotDeliverable(envelope, originQueue, DeadLetterReasons.PayloadMissing, ex.Message);
            }

            switch (matched.Count)
            {
                case 0:
                    return Unmatched(envelope, ownsBody);
                case > 1:
                    return await FanOutAsync(envelope, matched, cancellationToken).ConfigureAwait(false);
            }

            // One destination: delivered in place, and what is written back (requeue, dead letter) names it.
            destination = matched[0];
            envelope.Destination = destination.Name;
        }
        else if (!destinations.TryGetValue(envelope.Destination, out destination))
        {
            return NotDeliverable(envelope, originQueue, DeadLetterReasons.TargetNotConfigured, $"destination '{envelope.Destination}' of source '{envelope.Source}' is not configured");
        }

        DeliveryTelemetry.Routed(destination.Name);
        using var scope = _logger.BeginScope(new Dictionary<string, object?> { ["Destination"] = destination.Name });
        if ((_guard.CheckUrl(destination.Url, out _) ?? TargetClient.CheckAuth(destination.Auth)) is { } problem)
        {
            return NotDeliverable(envelope, originQueue, DeadLetterReasons.TargetNotConfigured, destination.IsDefault ? problem : $"destination '{destination.Name}': {problem}");
        }

        var pauseKey = destination.PauseKey(envelope.Source);
        var admission = await _pauses.AdmitAsync(pauseKey, envelope.Id, cancellationToken).ConfigureAwait(false);
        if (admission.Kind == TargetAdmissionKind.Hold)
        {
            _logger.LogDebug("Delivery {DeliveryId} from {Source} held for {Delay}: its target is paused.", envelope.Id, envelope.Source, admission.HoldFor);
            return new Verdict(
                new DeliveryOutcome
                {
                    Kind = DeliveryOutcomeKind.Held, DeliveryId = envelope.Id, Source = envelope.Source, Destination = destination.Name, Attempt = envelope.Attempt,
                    Delay = admission.HoldFor, Reason = "target paused",
                },
                Updated: null,
                Record: null);
        }

        // A probe is one call per interval and must not be lost to the limit.
        if (admission.Kind != TargetAdmissionKind.Probe && OverRateLimit(envelope, destination, pauseKey) is { } wait)
        {
            _logger.LogDebug("Delivery {DeliveryId} from {Source} put back for {Delay}: over the destination's rate limit.", envelope.Id, envelope.Source, wait);
            return new Verdict(
                new DeliveryOutcome
                {
                    Kind = DeliveryOutcomeKind.Requeued, DeliveryId = envelope.Id, Source = envelope.Source, Destination = destination.Name, Attempt = envelope.Attempt,
                    Delay = wait, Reason = "rate limited",
                },
                SerializeToFit(envelope),
                Record: null);
        }

        return await AttemptAsync(envelope, source, destination, originQueue, admission.Kind == TargetAdmissionKind.Probe, ownsBody, cancellationToken).ConfigureAwait(false);
    }

    // Null when a call may go now; else how long to put the delivery back for: until the next permit, spread over one
    // more second by the delivery id so a backlog over the limit does not come back as one burst.
    private TimeSpan? OverRateLimit(DeliveryEnvelope envelope, ResolvedDestination destination, string key)
    {
        if (destination.RateLimit is not { } rate || rate <= 0
            || _rateLimits.TryAcquire(key, new RateLimitOptions { PermitsPerSecond = rate }, out var wait))
        {
            return null;
        }

        var spread = TimeSpan.FromMilliseconds((uint)StringComparer.Ordinal.GetHashCode(envelope.Id) % 1000);
        return wait + spread;
    }

    private Verdict Unmatched(DeliveryEnvelope envelope, bool ownsBody)
    {
        _logger.LogInformation("Delivery {DeliveryId} from {Source} matched no destination's filter; acknowledged.", envelope.Id, envelope.Source);
        _metrics?.RecordUnmatched(envelope.Source);
        return new Verdict(
            new DeliveryOutcome { Kind = DeliveryOutcomeKind.Unmatched, DeliveryId = envelope.Id, Source = envelope.Source, Attempt = envelope.Attempt },
            Updated: null,
            Record: null,
            Payload: ownsBody ? envelope.BodyRef : null);
    }

    // One message per destination: attempt 0, empty history, the same id, trace, body or claim check. Nothing is sent
    // here; the caller writes the copies, then completes the original.
    private async Task<Verdict> FanOutAsync(DeliveryEnvelope envelope, IReadOnlyList<ResolvedDestination> matched, CancellationToken cancellationToken)
    {
        envelope.Attempt = 0;
        envelope.Attempts = [];
        var copies = Copies(envelope, matched);
        if (copies.Exists(copy => copy.Length > MaxPayloadBytes) && envelope.Body is { } inline)
        {
            // The destination name can tip an envelope that just fitted over the message limit: move the body to a
            // claim check, shared by all copies (an orphan, should we crash now, is removed by the lifecycle rule).
            var payloads = _payloads ?? throw new InvalidOperationException($"Delivery {envelope.Id} with its destination does not fit a queue message, and no payload store is registered.");
            envelope.BodyRef = await payloads.UploadAsync(envelope.Source, envelope.Id, inline, envelope.ContentType, cancellationToken).ConfigureAwait(false);
            envelope.Body = null;
            copies = Copies(envelope, matched);
        }

        var names = matched.Select(d => d.Name).ToList();
        _logger.LogInformation("Delivery {DeliveryId} from {Source} fanned out to {Count} destinations: {Destinations}.", envelope.Id, envelope.Source, names.Count, string.Join(", ", names));
        return new Verdict(
            new DeliveryOutcome { Kind = DeliveryOutcomeKind.FannedOut, DeliveryId = envelope.Id, Source = envelope.Source, Destinations = names },
            Updated: null,
            Record: null,
            Copies: copies);
    }

    private static List<byte[]> Copies(DeliveryEnvelope envelope, IReadOnlyList<ResolvedDestination> matched)
    {
        var copies = new List<byte[]>(matched.Count);
        foreach (var destination in matched)
        {
            envelope.Destination = destination.Name;
            copies.Add(EnvelopeSerializer.Serialize(envelope));
        }

        envelope.Destination = null;
        return copies;
    }

    private async Task SendCopiesAsync(QueueClient queue, DeliveryOutcome outcome, IReadOnlyList<byte[]> copies)
    {
        var tally = new UnansweredWrites.Tally();
        using (UnansweredWrites.Track(tally, FanOutWriteTimeout))
        {
            var writes = copies.Select(copy => queue.SendMessageAsync(new BinaryData(copy), null, StorageNames.NeverExpires, CancellationToken.None)).ToArray();
            try
            {
                await Task.WhenAll(writes).ConfigureAwait(false);
            }
            catch (Exception) when (writes.Any(w => w.IsCompletedSuccessfully))
            {
                // The original stays, to be fanned out again: the copies already written will then be written twice.
                var written = (outcome.Destinations ?? []).Where((_, i) => writes[i].IsCompletedSuccessfully).ToList();
                _logger.LogWarning(
                    "Fan-out of delivery {DeliveryId} from {Source} failed after {Written} of {Count} copies were written ({Destinations}); it will be fanned out again, so those destinations may receive it twice (its Idempotency-Key is the same).",
                    outcome.DeliveryId, outcome.Source, written.Count, copies.Count, string.Join(", ", written));
                throw;
            }
        }

        if (tally.LostAnswers > 0)
        {
            // Queues cannot deduplicate: say so, so an operator can match a destination's duplicate to its cause.
            _logger.LogWarning(
                "Fan-out of delivery {DeliveryId} from {Source}: {Count} copy writes lost their answer and were retried; a destination may receive it twice (its Idempotency-Key is the same).",
                outcome.DeliveryId, outcome.Source, tally.LostAnswers);
        }
    }

    private async Task<Verdict> AttemptAsync(
        DeliveryEnvelope envelope, SourceOptions source, ResolvedDestination destination, string originQueue, bool isProbe, bool ownsBody, CancellationToken cancellationToken)
    {
        var delivery = destination.Delivery;
        var pauseKey = destination.PauseKey(envelope.Source);
        var attempt = envelope.Attempt + 1;
        TargetCallResult call;
        try
        {
            call = await _targets.SendAsync(envelope, source, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadNotFoundException ex)
        {
            // The claim check is gone for good; no retry can bring it back.
            return NotDeliverable(envelope, originQueue, DeadLetterReasons.PayloadMissing, ex.Message);
        }

        _metrics?.RecordDeliveryAttempt(envelope.Source, call.Status, call.Duration, destination.Name);
        DeliveryTelemetry.Called(destination.Url, call);

        // A replay restarts the retry window; the original receipt time stays as it was.
        var age = Now - (envelope.ReplayedAt ?? envelope.ReceivedAt);
        var arguments = call.Status is { } status
            ? DeliveryClassificationArguments.ForStatus(status, attempt, age < TimeSpan.Zero ? TimeSpan.Zero : age, call.RetryAfter)
            : DeliveryClassificationArguments.ForFailure(call.Failure, attempt, age < TimeSpan.Zero ? TimeSpan.Zero : age);
        var decision = _classifier.Classify(arguments, delivery, destination.RetryableStatuses);
        var error = call.Status is { } failed && !call.IsSuccess
            ? TargetErrorParser.Parse(failed, call.Response?.Headers.GetValueOrDefault("content-type"), call.Response?.Body)
            : null;
        var detail = error?.Summary ?? call.FailureDetail;

        var outcomeName = decision.Kind switch
        {
            DeliveryDecisionKind.Done => DeliveryAttemptOutcomes.Done,
            DeliveryDecisionKind.Requeue => DeliveryAttemptOutcomes.Requeue,
            DeliveryDecisionKind.PauseTarget => DeliveryAttemptOutcomes.Held,
            _ => DeliveryAttemptOutcomes.DeadLetter,
        };
        // An account-level answer speaks for the target, not this delivery: it spends none of the retry budget, so a
        // paused target's backlog keeps every attempt for after the resume. History shows it as "held".
        if (decision.Kind != DeliveryDecisionKind.PauseTarget)
        {
            envelope.Attempt = attempt;
        }

        envelope.Attempts.Add(new DeliveryAttempt(attempt, call.StartedAt, outcomeName, call.Status, detail, (long)call.Duration.TotalMilliseconds));
        if (envelope.Attempts.Count > MaxAttemptHistory)
        {
            envelope.Attempts.RemoveRange(0, envelope.Attempts.Count - MaxAttemptHistory);
        }

        var outcome = new DeliveryOutcome
        {
            Kind = DeliveryOutcomeKind.Delivered, DeliveryId = envelope.Id, Source = envelope.Source, Destination = destination.Name, Attempt = envelope.Attempt,
            Status = call.Status, Failure = call.Failure, Detail = detail, ErrorCode = error?.ErrorCode,
        };
        var what = call.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? call.Failure.ToString();

        if (decision.Kind == DeliveryDecisionKind.PauseTarget)
        {
            var hold = await _pauses.PauseAsync(pauseKey, envelope.Id, decision.Reason!, call.Status, CancellationToken.None).ConfigureAwait(false);
            _logger.LogWarning("Delivery {DeliveryId} from {Source} got {Result}: target paused, held for {Delay} (no attempt counted).", envelope.Id, envelope.Source, what, hold);
            return new Verdict(outcome with { Kind = DeliveryOutcomeKind.Held, Delay = hold, Reason = decision.Reason }, SerializeToFit(envelope), null);
        }

        if (call.Status is not null && (isProbe || _pauses.SeesPaused(pauseKey)))
        {
            // Any answer that is not account-level means the account is fine again.
            await ResumeAfterAnswerAsync(pauseKey, call.Status.Value).ConfigureAwait(false);
        }

        switch (decision.Kind)
        {
            case DeliveryDecisionKind.Done:
                _logger.LogInformation("Delivered {DeliveryId} from {Source}: {Status} on attempt {Attempt} in {DurationMs} ms.", envelope.Id, envelope.Source, call.Status, attempt, (long)call.Duration.TotalMilliseconds);
                return new Verdict(outcome, null, null, ownsBody ? envelope.BodyRef : null);

            case DeliveryDecisionKind.Requeue:
                _logger.LogWarning("Delivery {DeliveryId} from {Source} got {Result} on attempt {Attempt}; retrying in {Delay}.", envelope.Id, envelope.Source, what, attempt, decision.Delay);
                return new Verdict(outcome with { Kind = DeliveryOutcomeKind.Requeued, Delay = decision.Delay }, SerializeToFit(envelope), null);

            default:
                _logger.LogError(
                    "Delivery {DeliveryId} from {Source} dead-lettered ({Reason}) after {Attempt} attempts; last result {Result}.",
                    envelope.Id, envelope.Source, decision.Reason, attempt, error?.ErrorCode is { Length: > 0 } code ? $"{what} {code}" : what);
                var record = new DeadLetterRecord
                {
                    Envelope = envelope, Reason = decision.Reason!, Detail = detail, DeadLetteredAt = Now, FinalStatus = call.Status,
                    Response = call.IsSuccess ? null : call.Response, Error = error, OriginQueue = originQueue,
                };
                return DeadLetter(record, outcome with { Kind = DeliveryOutcomeKind.DeadLettered, Reason = decision.Reason });
        }
    }

    // The answer stands whatever happens here; a resume that could not be written is retried by the next probe.
    private async Task ResumeAfterAnswerAsync(string source, int status)
    {
        try
        {
            await _pauses.ResumeAsync(source, $"a probe was answered {status}", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
        {
            _logger.LogWarning("The target of source {Source} answered {Status} but could not be resumed ({Error}); the next probe will.", source, status, StorageFailures.Describe(ex));
        }
    }

    private Verdict NotDeliverable(DeliveryEnvelope envelope, string originQueue, string reason, string detail)
    {
        _logger.LogError("Delivery {DeliveryId} from {Source} dead-lettered ({Reason}): {Detail}.", envelope.Id, envelope.Source, reason, detail);
        return DeadLetter(
            new DeadLetterRecord { Envelope = envelope, Reason = reason, Detail = detail, DeadLetteredAt = Now, OriginQueue = originQueue },
            new DeliveryOutcome
            {
                Kind = DeliveryOutcomeKind.DeadLettered, DeliveryId = envelope.Id, Source = envelope.Source, Destination = envelope.Destination, Attempt = envelope.Attempt,
                Reason = reason, Detail = detail,
            });
    }

    private static Verdict DeadLetter(DeadLetterRecord record, DeliveryOutcome outcome) => new(outcome, null, record);

    private async Task RequeueReceivedAsync(QueueClient queue, QueueMessage message, Verdict verdict)
    {
        var delay = verdict.Outcome.Delay ?? TimeSpan.Zero;
        if (message.ExpiresOn is { } expiresOn && expiresOn < Now + delay + ExpiryMargin)
        {
            // Update cannot extend a message's life: send a copy that never expires, then let go of the original.
            await queue.SendMessageAsync(verdict.Updated is { } copy ? new BinaryData(copy) : message.Body, delay, StorageNames.NeverExpires, CancellationToken.None).ConfigureAwait(false);
            await DeleteAsync(queue, message).ConfigureAwait(false);
            return;
        }

        try
        {
            // No content (null) changes visibility only.
            var content = verdict.Updated is { } updated ? new BinaryData(updated) : null;
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, content, delay, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Our visibility ran out and another receiver owns the message now; it will settle it.
            _logger.LogWarning("Could not requeue message {MessageId}: it is no longer ours ({ErrorCode}).", message.MessageId, ex.ErrorCode);
        }
    }

    private async Task DeleteAsync(QueueClient queue, QueueMessage message)
    {
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            _logger.LogWarning("Could not delete message {MessageId}: it is no longer ours ({ErrorCode}); it may be delivered again.", message.MessageId, ex.ErrorCode);
        }
    }

    // Best effort: an orphaned blob costs only storage, and the payload container's lifecycle rule removes it.
    private async Task DeletePayloadAsync(BodyReference? payload)
    {
        if (payload is null || _payloads is null)
        {
            return;
        }

        try
        {
            await _payloads.DeleteAsync(payload, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex))
        {
            _logger.LogWarning("Delivered, but could not delete its body blob {Blob} ({Error}); the lifecycle rule will.", payload.Blob, StorageFailures.Describe(ex));
        }
    }

    // Into the dead-letter index when there is one (records fitted the same way); the queue otherwise.
    private async Task WriteDeadLetterAsync(DeadLetterRecord record)
    {
        var fitted = SerializeToFit(record);
        await (_deadLetters is not null
            ? _deadLetters.WriteAsync(record, CancellationToken.None)
            : _queues.DeadLetter.SendMessageAsync(new BinaryData(fitted), null, StorageNames.NeverExpires, CancellationToken.None)).ConfigureAwait(false);
    }

    private IDisposable? BeginScope(DeliveryOutcome outcome, string queue) =>
        _logger.BeginScope(new Dictionary<string, object?> { ["DeliveryId"] = outcome.DeliveryId, ["Source"] = outcome.Source, ["Destination"] = outcome.Destination, ["Queue"] = queue });

    private DateTimeOffset Now => _timeProvider.GetUtcNow();

    private void Record(DeliveryOutcome outcome) =>
        _metrics?.RecordDelivery(outcome.Source ?? "(unknown)", DeliveryAttemptOutcomes.Of(outcome.Kind), outcome.Destination);

    // The attempt history is ours to trim; the rest of the envelope fitted when it arrived.
    private static byte[] SerializeToFit(DeliveryEnvelope envelope)
    {
        var bytes = EnvelopeSerializer.Serialize(envelope);
        while (bytes.Length > MaxPayloadBytes && envelope.Attempts.Count > 0)
        {
            envelope.Attempts.RemoveAt(0);
            bytes = EnvelopeSerializer.Serialize(envelope);
        }

        return bytes;
    }

    // Sheds what we added (response body, field errors, attempt history), then cuts a raw message, until it fits.
    private static byte[] SerializeToFit(DeadLetterRecord record)
    {
        var bytes = Serialize(record);
        if (bytes.Length > MaxPayloadBytes && record.Response is { Body: not null } response)
        {
            response.Body = null;
            response.BodyTruncated = true;
            bytes = Serialize(record);
        }

        if (bytes.Length > MaxPayloadBytes && record.Error is { Errors: not null } error)
        {
            error.Errors = null;
            bytes = Serialize(record);
        }

        while (bytes.Length > MaxPayloadBytes && record.Envelope is { Attempts.Count: > 0 } envelope)
        {
            envelope.Attempts.RemoveAt(0);
            bytes = Serialize(record);
        }

        while (bytes.Length > MaxPayloadBytes && record.RawMessage is { Length: > 0 } raw)
        {
            record.RawMessage = raw[..(raw.Length / 2)];
            bytes = Serialize(record);
        }

        return bytes;
    }

    private static byte[] Serialize(DeadLetterRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, WebhooksJsonContext.Default.DeadLetterRecord);

    // Payload: the claim-check body to delete once the delivery is settled as done; Copies: a fan-out's messages.
    private sealed record Verdict(DeliveryOutcome Outcome, byte[]? Updated, DeadLetterRecord? Record, BodyReference? Payload = null, IReadOnlyList<byte[]>? Copies = null);
}
