namespace Webhooks.Delivery;

/// <summary>What to do with a delivery after one attempt.</summary>
public enum DeliveryDecisionKind
{
    /// <summary>The target accepted it: settle and forget.</summary>
    Done,

    /// <summary>Transient failure: make it visible again after <see cref="DeliveryDecision.Delay"/>.</summary>
    Requeue,

    /// <summary>Retrying cannot help: write a dead-letter record with <see cref="DeliveryDecision.Reason"/>.</summary>
    DeadLetter,

    /// <summary>An account-level failure (401, 402, 403, 451): hold every delivery to this target until it recovers.</summary>
    PauseTarget,
}

/// <summary>The classifier's verdict on one attempt, as data.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Delay">For <see cref="DeliveryDecisionKind.Requeue"/>: how long the message stays invisible.</param>
/// <param name="Reason">For <see cref="DeliveryDecisionKind.DeadLetter"/>: one of the dead-letter reasons; for a pause, why.</param>
public readonly record struct DeliveryDecision(DeliveryDecisionKind Kind, TimeSpan Delay, string? Reason)
{
    /// <summary>Delivered.</summary>
    public static DeliveryDecision Done { get; } = new(DeliveryDecisionKind.Done, TimeSpan.Zero, null);

    /// <summary>Try again after <paramref name="delay"/>.</summary>
    public static DeliveryDecision Requeue(TimeSpan delay) => new(DeliveryDecisionKind.Requeue, delay, null);

    /// <summary>Stop and keep it for an operator.</summary>
    public static DeliveryDecision DeadLetter(string reason) => new(DeliveryDecisionKind.DeadLetter, TimeSpan.Zero, reason);

    /// <summary>Pause the whole target.</summary>
    public static DeliveryDecision PauseTarget(string reason) => new(DeliveryDecisionKind.PauseTarget, TimeSpan.Zero, reason);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DeliveryDecisionKind.Requeue => $"Requeue({Delay})",
        DeliveryDecisionKind.DeadLetter => $"DeadLetter({Reason})",
        DeliveryDecisionKind.PauseTarget => $"PauseTarget({Reason})",
        _ => Kind.ToString(),
    };
}
