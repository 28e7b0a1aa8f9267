using System.Text.Json.Serialization;

namespace Webhooks.DeadLetters;

/// <summary>
/// One dead-letter entry as a row: who, why, what the target said. Both dead-letter records and host-poisoned
/// messages appear in this shape; <see cref="Poisoned"/> tells them apart.
/// </summary>
public record DeadLetterSummary
{
    /// <summary>The delivery id (the envelope's id), or the queue message id when no envelope could be read.</summary>
    public required string Id { get; init; }

    /// <summary>The queue message id; unique within its queue.</summary>
    public required string MessageId { get; init; }

    /// <summary>The queue it was found on: the dead-letter queue or the host's <c>-poison</c> queue.</summary>
    public required string Queue { get; init; }

    /// <summary>True for messages the Functions host poisoned rather than records the worker dead-lettered.</summary>
    public bool Poisoned { get; init; }

    /// <summary>The source the delivery arrived on, when known.</summary>
    public string? Source { get; init; }

    /// <summary>The destination the message was for (fan-out); null for records written before fan-out and for unreadable messages.</summary>
    public string? Destination { get; init; }

    /// <summary>One of <see cref="Envelopes.DeadLetterReasons"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>The target's final HTTP status, if it answered.</summary>
    public int? Status { get; init; }

    /// <summary>The target's parsed error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>One readable line: "409 userEmailConflict: The email is already used within your gym or chain".</summary>
    public string? ErrorSummary { get; init; }

    /// <summary>When it was dead-lettered (for poisoned messages: when the host moved it).</summary>
    public required DateTimeOffset DeadLetteredAt { get; init; }

    /// <summary>When intake accepted the delivery, when known.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>Delivery attempts made before it stopped.</summary>
    public int Attempts { get; init; }

    /// <summary>How often an operator replayed it before.</summary>
    public int ReplayCount { get; init; }

    /// <summary>False when the message could be read neither as a dead-letter record nor as an envelope.</summary>
    [JsonPropertyOrder(100)]
    public bool Readable { get; init; } = true;
}
