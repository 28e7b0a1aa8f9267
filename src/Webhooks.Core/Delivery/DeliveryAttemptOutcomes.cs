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
}
