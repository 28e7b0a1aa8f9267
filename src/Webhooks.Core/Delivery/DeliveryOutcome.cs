namespace Webhooks.Delivery;

/// <summary>How processing one queue message ended.</summary>
public enum DeliveryOutcomeKind
{
    /// <summary>The target accepted it; the message is gone.</summary>
    Delivered,

    /// <summary>A transient failure; the delivery comes back after <see cref="DeliveryOutcome.Delay"/>.</summary>
    Requeued,

    /// <summary>It is in the dead-letter queue with <see cref="DeliveryOutcome.Reason"/>.</summary>
    DeadLettered,

    /// <summary>Its target is paused; it comes back after <see cref="DeliveryOutcome.Delay"/> without an attempt counted for the hold.</summary>
    Held,

    /// <summary>
    /// It matched several destinations: one message per destination (<see cref="DeliveryOutcome.Destinations"/>) was
    /// written to its queue and the original completed. No destination was called yet.
    /// </summary>
    FannedOut,

    /// <summary>No destination's filter matched: acknowledged and counted, not an error.</summary>
    Unmatched,
}

/// <summary>The result of <see cref="DeliveryProcessor"/> for one message.</summary>
public sealed record DeliveryOutcome
{
    /// <summary>How it ended.</summary>
    public required DeliveryOutcomeKind Kind { get; init; }

    /// <summary>The delivery id, when the message could be decoded.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>The source, when the message could be decoded.</summary>
    public string? Source { get; init; }

    /// <summary>The destination it was for, once routed (<see cref="Configuration.DestinationNames.Default"/> for a single-target source).</summary>
    public string? Destination { get; init; }

    /// <summary>For <see cref="DeliveryOutcomeKind.FannedOut"/>: the destinations a message was written for.</summary>
    public IReadOnlyList<string>? Destinations { get; init; }

    /// <summary>Attempts made so far, including this one.</summary>
    public int Attempt { get; init; }

    /// <summary>The target's status on this attempt, if one was made and answered.</summary>
    public int? Status { get; init; }

    /// <summary>Why this attempt had no status.</summary>
    public DeliveryFailureKind Failure { get; init; }

    /// <summary>For requeued and held deliveries: when they become visible again.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>For dead letters: the <see cref="Envelopes.DeadLetterReasons"/> value; for holds: why the target is paused.</summary>
    public string? Reason { get; init; }

    /// <summary>A one-line description: the target's parsed error, the failure, or what is misconfigured.</summary>
    public string? Detail { get; init; }

    /// <summary>The errorCode parsed from the target's error answer, when it had one.</summary>
    public string? ErrorCode { get; init; }
}
