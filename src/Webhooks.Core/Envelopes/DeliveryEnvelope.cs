namespace Webhooks.Envelopes;

/// <summary>
/// One accepted delivery as it travels on the deliveries queue: everything delivery and replay need, with the
/// provider's body kept byte-for-byte.
/// </summary>
public sealed class DeliveryEnvelope
{
    /// <summary>The envelope format; bumped only on incompatible change.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The delivery id: the provider's (webhook-id, X-GitHub-Delivery, Stripe event id) or one we minted.</summary>
    public required string Id { get; set; }

    /// <summary>The configured source name it arrived on.</summary>
    public required string Source { get; set; }

    /// <summary>When intake accepted it.</summary>
    public required DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The request's Content-Type, forwarded to the target unchanged.</summary>
    public required string ContentType { get; set; }

    /// <summary>The provider headers worth forwarding and showing (ids, event types, signatures), lower-case names.</summary>
    public Dictionary<string, string> Headers
    {
        get;
        set => field = value.Comparer == StringComparer.OrdinalIgnoreCase ? value : new(value, StringComparer.OrdinalIgnoreCase);
    } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The raw body, when carried inline (base64 in JSON).</summary>
    public byte[]? Body { get; set; }

    /// <summary>Where the body is when it did not fit inline (claim check); null when inline.</summary>
    public BodyReference? BodyRef { get; set; }

    /// <summary>
    /// The value at the source's <c>PartitionKey</c> path, when one is configured: deliveries with the same key go
    /// to the same delivery queue. Null spreads them round-robin.
    /// </summary>
    public string? PartitionKey { get; set; }

    /// <summary>
    /// The destination this message is for (see <c>SourceOptions.Destinations</c>); null until the delivery is fanned
    /// out (what intake writes). A message with a destination goes to that one only and is never fanned out again.
    /// </summary>
    public string? Destination { get; set; }

    /// <summary>Delivery attempts made so far. Kept here, not only in the queue's dequeue count, so requeues and replays can reset or carry it.</summary>
    public int Attempt { get; set; }

    /// <summary>The outcome of each attempt, oldest first, bounded to the most recent few.</summary>
    public List<DeliveryAttempt> Attempts { get; set; } = [];

    /// <summary>How many times an operator replayed it from the dead-letter queue.</summary>
    public int ReplayCount { get; set; }

    /// <summary>When it was last replayed; the retry window (<c>MaxAge</c>) restarts here, not at <see cref="ReceivedAt"/>.</summary>
    public DateTimeOffset? ReplayedAt { get; set; }

    /// <summary>
    /// W3C traceparent of the span that queued it (intake, or the replay): every attempt's span continues this trace.
    /// Optional; envelopes written before it existed deliver as before, in a trace of their own.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>The provider's own traceparent header, when it sent a well-formed one; attempt spans link to it.</summary>
    public string? ProviderTraceParent { get; set; }

    /// <summary>For a replay: the traceparent of the original intake, which the replay's attempt spans link to.</summary>
    public string? OriginalTraceParent { get; set; }
}

/// <summary>A body stored outside the queue message.</summary>
public sealed record BodyReference(string Container, string Blob, long Length);

/// <summary>What one outbound call to the target did.</summary>
/// <param name="Number">1-based attempt number.</param>
/// <param name="At">When the call started.</param>
/// <param name="Outcome">done, requeue, deadLetter, held.</param>
/// <param name="Status">The target's HTTP status, or null when no response arrived.</param>
/// <param name="Detail">A short reason: the status text, timeout, connection refused, …</param>
/// <param name="DurationMs">How long the call took.</param>
public sealed record DeliveryAttempt(int Number, DateTimeOffset At, string Outcome, int? Status, string? Detail, long DurationMs);
