using BenchmarkDotNet.Attributes;
using Webhooks.Configuration;
using Webhooks.Delivery;

namespace Webhooks.Benchmarks;

/// <summary>
/// Classifying one attempt (done / requeue with jittered backoff / dead-letter / pause) and parsing a target's error
/// body for the dead-letter record: what every worker call costs after the target answered.
/// </summary>
public class ClassifierBenchmarks
{
    private static readonly DeliveryOptions Options = new();
    private static readonly TimeSpan Age = TimeSpan.FromMinutes(3);
    private static readonly DeliveryClassificationArguments Ok = DeliveryClassificationArguments.ForStatus(200, 1, Age);
    private static readonly DeliveryClassificationArguments Unavailable = DeliveryClassificationArguments.ForStatus(503, 3, Age);
    private static readonly DeliveryClassificationArguments Limited = DeliveryClassificationArguments.ForStatus(429, 2, Age, TimeSpan.FromSeconds(30));
    private static readonly DeliveryClassificationArguments Invalid = DeliveryClassificationArguments.ForStatus(422, 1, Age);
    private static readonly DeliveryClassificationArguments TimedOut = DeliveryClassificationArguments.ForFailure(DeliveryFailureKind.Timeout, 2, Age);

    private readonly DeliveryClassifier _classifier = new(new Backoff());

    /// <summary>2xx: done.</summary>
    [Benchmark(Baseline = true)]
    public DeliveryDecisionKind Done() => _classifier.Classify(Ok, Options).Kind;

    /// <summary>503 on the third attempt: requeue with jittered exponential backoff.</summary>
    [Benchmark]
    public TimeSpan Requeue503() => _classifier.Classify(Unavailable, Options).Delay;

    /// <summary>429 with Retry-After: requeue honouring it within the cap.</summary>
    [Benchmark]
    public TimeSpan Requeue429RetryAfter() => _classifier.Classify(Limited, Options).Delay;

    /// <summary>A timeout: requeue.</summary>
    [Benchmark]
    public TimeSpan RequeueTimeout() => _classifier.Classify(TimedOut, Options).Delay;

    /// <summary>422: dead-letter.</summary>
    [Benchmark]
    public string? DeadLetter422() => _classifier.Classify(Invalid, Options).Reason;

    /// <summary>422 with a seed-002 style body, parsed for the dead-letter record.</summary>
    [Benchmark]
    public string? ParseTargetError422() =>
        TargetErrorParser.Parse(422, "application/json", "{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"],\"name\":[\"Too long.\"]}}").Summary;
}
