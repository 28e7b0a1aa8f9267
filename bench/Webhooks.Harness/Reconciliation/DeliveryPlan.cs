using System.Text;
using Webhooks.Envelopes;
using Webhooks.Harness.Targets;

namespace Webhooks.Harness.Reconciliation;

/// <summary>How the scripted target treats one delivery, decided from its id and the run's seed (reproducible).</summary>
public enum PlanKind
{
    /// <summary>200 at once (≈ 70 %).</summary>
    Ok,

    /// <summary>500 or 503 on the first one or two calls, then 200 (≈ 5 %).</summary>
    TransientThenOk,

    /// <summary>500 or 503 on every call: retries run out (≈ 5 %).</summary>
    TransientForever,

    /// <summary>429 with <c>Retry-After: 1</c> on the first call, then 200 (≈ 5 %).</summary>
    RateLimitedThenOk,

    /// <summary>400, 404 or 422 on every call: dead-lettered at once (≈ 10 %).</summary>
    Rejected,

    /// <summary>The first call answers only after the worker's timeout, then 200 (≈ 5 %).</summary>
    SlowThenOk,
}

/// <summary>One delivery's script and the end it must reach.</summary>
/// <param name="Kind">The script.</param>
/// <param name="FailureStatus">The status for failing calls (500/503, or 400/404/422).</param>
/// <param name="FailingCalls">How many calls fail before 200 (TransientThenOk).</param>
public sealed record DeliveryPlan(PlanKind Kind, int FailureStatus, int FailingCalls)
{
    private static readonly int[] Transient = [500, 503];
    private static readonly int[] Rejections = [400, 404, 422];

    /// <summary>The plan for <paramref name="id"/> under <paramref name="seed"/>.</summary>
    public static DeliveryPlan For(string id, int seed)
    {
        var hash = Fnv1a(id, seed);
        var bucket = (int)(hash % 100);
        var pick = (int)(hash / 100 % 6);
        return bucket switch
        {
            < 70 => new(PlanKind.Ok, 200, 0),
            < 75 => new(PlanKind.TransientThenOk, Transient[pick % 2], 1 + (pick % 2)),
            < 80 => new(PlanKind.TransientForever, Transient[pick % 2], int.MaxValue),
            < 85 => new(PlanKind.RateLimitedThenOk, 429, 1),
            < 95 => new(PlanKind.Rejected, Rejections[pick % 3], int.MaxValue),
            _ => new(PlanKind.SlowThenOk, 200, 1),
        };
    }

    /// <summary>The dead-letter reason this delivery must end with, or null when it must be delivered.</summary>
    public string? ExpectedDeadLetterReason => Kind switch
    {
        PlanKind.TransientForever => DeadLetterReasons.RetriesExhausted,
        PlanKind.Rejected => DeadLetterReasons.TargetRejected,
        _ => null,
    };

    /// <summary>What the target answers the <paramref name="call"/>-th call (1-based) for this delivery.</summary>
    public TargetAnswer Answer(int call, TimeSpan slowDelay) => Kind switch
    {
        PlanKind.Ok => TargetAnswer.Ok,
        PlanKind.TransientThenOk => call <= FailingCalls ? new TargetAnswer(FailureStatus) : TargetAnswer.Ok,
        PlanKind.TransientForever or PlanKind.Rejected => new TargetAnswer(FailureStatus),
        PlanKind.RateLimitedThenOk => call <= FailingCalls ? new TargetAnswer(429, RetryAfterSeconds: 1) : TargetAnswer.Ok,
        PlanKind.SlowThenOk => call <= FailingCalls ? new TargetAnswer(200, slowDelay) : TargetAnswer.Ok,
        _ => TargetAnswer.Ok,
    };

    // A stable hash (string.GetHashCode is randomized per process).
    private static uint Fnv1a(string id, int seed)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            hash = (hash ^ b) * 16777619u;
        }

        // FNV's low bits mix poorly for short similar keys; fold the high bits in.
        return hash ^ (hash >> 15);
    }
}
