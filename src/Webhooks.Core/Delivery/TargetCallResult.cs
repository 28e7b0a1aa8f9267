using Webhooks.Envelopes;

namespace Webhooks.Delivery;

/// <summary>What one outbound call produced: a status with the response parts that matter, or why there was none.</summary>
public sealed class TargetCallResult
{
    /// <summary>When the call started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took, including reading the (bounded) body.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The HTTP status, or null when no answer arrived.</summary>
    public int? Status { get; init; }

    /// <summary>Why there is no status.</summary>
    public DeliveryFailureKind Failure { get; init; }

    /// <summary>A short, secret-free description of the failure.</summary>
    public string? FailureDetail { get; init; }

    /// <summary>Headers that matter and, for anything but 2xx, the body cut at the configured bound.</summary>
    public TargetResponse? Response { get; init; }

    /// <summary>The target's Retry-After as a delay from the end of the call.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;
}
