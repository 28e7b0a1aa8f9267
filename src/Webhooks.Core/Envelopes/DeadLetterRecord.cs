namespace Webhooks.Envelopes;

/// <summary>
/// What the dead-letter queue holds: the original envelope unchanged, why it stopped, and what the target said,
/// parsed so an operator reads "409 userEmailConflict: …" rather than bytes. Written with TTL -1 (never expires).
/// </summary>
public sealed class DeadLetterRecord
{
    /// <summary>The record format.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The envelope as it was queued (null only for <see cref="DeadLetterReasons.MalformedMessage"/>).</summary>
    public DeliveryEnvelope? Envelope { get; set; }

    /// <summary>The undecodable message text, kept for <see cref="DeadLetterReasons.MalformedMessage"/>.</summary>
    public string? RawMessage { get; set; }

    /// <summary>One of <see cref="DeadLetterReasons"/>.</summary>
    public required string Reason { get; set; }

    /// <summary>Why, in our words: the decoding error, the missing setting, the guard's refusal, the last failure.</summary>
    public string? Detail { get; set; }

    /// <summary>When it was dead-lettered.</summary>
    public required DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>The last HTTP status from the target, if any.</summary>
    public int? FinalStatus { get; set; }

    /// <summary>The target's last response: headers that matter and a bounded body.</summary>
    public TargetResponse? Response { get; set; }

    /// <summary>The target's error body parsed in whichever dialect it spoke.</summary>
    public TargetError? Error { get; set; }

    /// <summary>The queue it came from (deliveries, or a host-poisoned <c>-poison</c> queue).</summary>
    public string? OriginQueue { get; set; }
}

/// <summary>The stable dead-letter reasons.</summary>
public static class DeadLetterReasons
{
    /// <summary>The target answered a 4xx (other than 408/425/429) or 3xx.</summary>
    public const string TargetRejected = "targetRejected";

    /// <summary>Attempts or age ran out while the target kept failing transiently.</summary>
    public const string RetriesExhausted = "retriesExhausted";

    /// <summary>The queue message could not be decoded as an envelope.</summary>
    public const string MalformedMessage = "malformedMessage";

    /// <summary>The source or its target is no longer configured, or the target URL is refused by the guard.</summary>
    public const string TargetNotConfigured = "targetNotConfigured";

    /// <summary>The Functions host poisoned it after repeated unexpected failures.</summary>
    public const string HostPoisoned = "hostPoisoned";

    /// <summary>Its claim-check body blob no longer exists (deleted, or removed by the storage lifecycle rule).</summary>
    public const string PayloadMissing = "payloadMissing";

    /// <summary>
    /// The target client could not make the call at all (<see cref="InvalidOperationException"/> and kin: a bug or a
    /// bad setting such as an invalid header); every retry would fail alike, so it is dead-lettered at once.
    /// </summary>
    public const string ConfigurationError = "configurationError";
}

/// <summary>A bounded copy of the target's response.</summary>
public sealed class TargetResponse
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; set; }

    /// <summary>Headers that matter (content-type, retry-after, request ids).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body as text, cut at the configured bound.</summary>
    public string? Body { get; set; }

    /// <summary>True when <see cref="Body"/> was cut.</summary>
    public bool BodyTruncated { get; set; }
}

/// <summary>A downstream error in a common shape, whatever dialect it arrived in.</summary>
public sealed class TargetError
{
    /// <summary>problem (RFC 9457), validation (<c>{message, errors}</c>), egym (<c>{errorCode, message, metadata}</c>), or text.</summary>
    public required string Dialect { get; set; }

    /// <summary>A machine code (errorCode, or the problem type).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The human message (message, detail or title).</summary>
    public string? Message { get; set; }

    /// <summary>Field errors.</summary>
    public Dictionary<string, string[]>? Errors { get; set; }

    /// <summary>The entity named by <c>metadata.entity</c>.</summary>
    public string? Entity { get; set; }

    /// <summary>One line for tables: "409 userEmailConflict: The email is already used…".</summary>
    public string? Summary { get; set; }
}
