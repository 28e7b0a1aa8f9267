namespace Webhooks.Delivery;

/// <summary>Everything the classifier looks at: what the attempt produced, and how far the delivery has come.</summary>
/// <param name="Status">The target's HTTP status, or null when the call produced none.</param>
/// <param name="Failure">Why there is no status; <see cref="DeliveryFailureKind.None"/> when there is one.</param>
/// <param name="Attempt">The 1-based number of the attempt just made.</param>
/// <param name="Age">How long ago intake accepted the delivery.</param>
/// <param name="RetryAfter">The target's Retry-After, already parsed into a delay.</param>
public readonly record struct DeliveryClassificationArguments(
    int? Status,
    DeliveryFailureKind Failure,
    int Attempt,
    TimeSpan Age,
    TimeSpan? RetryAfter = null)
{
    /// <summary>The target answered with <paramref name="status"/>.</summary>
    public static DeliveryClassificationArguments ForStatus(int status, int attempt, TimeSpan age, TimeSpan? retryAfter = null) =>
        new(status, DeliveryFailureKind.None, attempt, age, retryAfter);

    /// <summary>The call failed without an answer.</summary>
    public static DeliveryClassificationArguments ForFailure(DeliveryFailureKind failure, int attempt, TimeSpan age) =>
        new(null, failure, attempt, age);
}
