using Webhooks.Configuration;
using Webhooks.Envelopes;

namespace Webhooks.Delivery;

/// <summary>
/// Decides what one attempt's result means — a pure function of the result, the attempt number, the delivery's age
/// and the options (the delay's jitter comes from <see cref="Backoff"/>'s injected random source).
/// </summary>
/// <remarks>
/// Defaults:
/// <list type="bullet">
/// <item>2xx → done.</item>
/// <item>408, 425, 429, every status ≥ 500, timeouts and connection failures → requeue with backoff (Retry-After
/// honoured within <see cref="DeliveryOptions.MaxDelay"/>), until attempts or age run out → dead-letter
/// <c>retriesExhausted</c>.</item>
/// <item>401, 402, 403, 451 → pause the target: these answer for the account, not the message, so the next thousand
/// calls would fail the same way.</item>
/// <item>Every other 4xx, 3xx (redirects are not followed) and 1xx → dead-letter <c>targetRejected</c>.</item>
/// <item>A target refused by the SSRF guard → dead-letter <c>targetNotConfigured</c>.</item>
/// <item>A call the client cannot make (<see cref="InvalidOperationException"/> and kin: a bug or a bad setting) →
/// dead-letter <c>configurationError</c> at once; it would fail the same way for 24 hours.</item>
/// <item>No token for a <c>bearer</c> target → pause it, like a 401.</item>
/// </list>
/// A source may list extra statuses its target uses for transient trouble (<see cref="TargetOptions.RetryableStatuses"/>).
/// </remarks>
public sealed class DeliveryClassifier(Backoff backoff)
{
    /// <summary>4xx statuses that mean "try again later".</summary>
    public static IReadOnlySet<int> TransientClientStatuses { get; } = new HashSet<int> { 408, 425, 429 };

    /// <summary>Statuses that speak for the whole account at the target (auth, payment, suspension).</summary>
    public static IReadOnlySet<int> AccountLevelStatuses { get; } = new HashSet<int> { 401, 402, 403, 451 };

    /// <summary>Classifies one attempt.</summary>
    /// <param name="arguments">What happened and how far the delivery has come.</param>
    /// <param name="options">Attempt and age limits, backoff settings.</param>
    /// <param name="extraRetryableStatuses">Per-source statuses to requeue besides the defaults.</param>
    public DeliveryDecision Classify(
        in DeliveryClassificationArguments arguments,
        DeliveryOptions options,
        IReadOnlyCollection<int>? extraRetryableStatuses = null)
    {
        if (arguments.Status is not { } status)
        {
            return arguments.Failure switch
            {
                DeliveryFailureKind.Refused => DeliveryDecision.DeadLetter(DeadLetterReasons.TargetNotConfigured),
                DeliveryFailureKind.ConfigurationError => DeliveryDecision.DeadLetter(DeadLetterReasons.ConfigurationError),
                DeliveryFailureKind.CredentialFailure => DeliveryDecision.PauseTarget("no token for the target"),
                _ => RequeueOrExhaust(arguments, options),
            };
        }

        if (status is >= 200 and < 300)
        {
            return DeliveryDecision.Done;
        }

        if (status >= 500 || TransientClientStatuses.Contains(status) || extraRetryableStatuses?.Contains(status) == true)
        {
            return RequeueOrExhaust(arguments, options);
        }

        return AccountLevelStatuses.Contains(status)
            ? DeliveryDecision.PauseTarget($"target answered {status}")
            : DeliveryDecision.DeadLetter(DeadLetterReasons.TargetRejected);
    }

    private DeliveryDecision RequeueOrExhaust(in DeliveryClassificationArguments arguments, DeliveryOptions options) =>
        arguments.Attempt >= options.MaxAttempts || arguments.Age >= options.MaxAge
            ? DeliveryDecision.DeadLetter(DeadLetterReasons.RetriesExhausted)
            : DeliveryDecision.Requeue(backoff.NextDelay(arguments.Attempt, options, arguments.RetryAfter));
}
