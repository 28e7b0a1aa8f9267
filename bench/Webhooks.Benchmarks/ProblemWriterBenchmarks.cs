using BenchmarkDotNet.Attributes;
using Webhooks.Problems;

namespace Webhooks.Benchmarks;

/// <summary>Writing error bodies: every refusal intake answers costs one of these.</summary>
public class ProblemWriterBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 30, TimeSpan.Zero);

    private static readonly Problem Unauthorized =
        new(401, ErrorCodes.InvalidSignature, "No v1 signature in webhook-signature matches the body for this source's secrets.");

    private static readonly Problem Invalid = new(422, ErrorCodes.InvalidArguments, "The given data was invalid.")
    {
        Errors = new Dictionary<string, string[]>
        {
            ["type"] = ["The type field is required."],
            ["data.id"] = ["The data.id field must be of type string."],
            ["data.amount"] = ["The data.amount field must be of type integer."],
        },
    };

    /// <summary>A 401 without field errors.</summary>
    [Benchmark(Baseline = true)]
    public int Write401() => ProblemWriter.Serialize(Unauthorized, "/api/webhooks/shop", Now, "4bf92f3577b34da6a3ce929d0e0e4736").Length;

    /// <summary>A 422 listing three fields.</summary>
    [Benchmark]
    public int Write422() => ProblemWriter.Serialize(Invalid, "/api/webhooks/shop", Now, "4bf92f3577b34da6a3ce929d0e0e4736").Length;
}
