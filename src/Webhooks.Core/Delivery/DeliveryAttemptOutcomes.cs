namespace Webhooks.Delivery;

/// <summary>The values of <see cref="Envelopes.DeliveryAttempt.Outcome"/>.</summary>
public static class DeliveryAttemptOutcomes
{
    /// <summary>Delivered.</summary>
    public const string Done = "done";

    /// <summary>Failed transiently; retried later.</summary>
    public const string Requeue = "requeue";

    /// <summary>Dead-lettered.</summary>
    public const string DeadLetter = "deadLetter";

    /// <summary>An account-level failure paused the target; the delivery is held.</summary>
    public const string Held = "held";

    /// <summary>
    /// Not an attempt outcome but a processing one (the <c>webhooks.deliveries</c> outcome tag, the span's outcome):
    /// the delivery was split into one message per matching destination.
    /// </summary>
    public const string FannedOut = "fannedOut";

    /// <summary>Processing outcome: no destination's filter matched; acknowledged.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The name of a processing outcome, as metrics and spans record it.</summary>
    public static string Of(DeliveryOutcomeKind kind) => kind switch
    {
        DeliveryOutcomeKind.Delivered => Done,
        DeliveryOutcomeKind.Requeued => Requeue,
        DeliveryOutcomeKind.Held => Held,
        DeliveryOutcomeKind.FannedOut => FannedOut,
        DeliveryOutcomeKind.Unmatched => Unmatched,
        _ => DeadLetter,
    };
}
