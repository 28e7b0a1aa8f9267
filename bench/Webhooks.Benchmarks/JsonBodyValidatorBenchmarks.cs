using BenchmarkDotNet.Attributes;
using Webhooks.Configuration;
using Webhooks.Intake;

namespace Webhooks.Benchmarks;

/// <summary>The 400 (UTF-8 + JSON syntax) and 422 (required fields) checks on a valid body.</summary>
public class JsonBodyValidatorBenchmarks
{
    private static readonly ValidationOptions Rules = new()
    {
        RequiredFields = new(StringComparer.Ordinal)
        {
            ["type"] = "string",
            ["data.id"] = "string",
            ["data.amount"] = "integer",
        },
    };

    private byte[] _body = [];

    /// <summary>The body size in bytes; 16 KiB shows how cost grows with the body.</summary>
    [Params(1024, 16 * 1024)]
    public int BodyBytes { get; set; } = 1024;

    /// <summary>A valid event body.</summary>
    [GlobalSetup]
    public void Setup() => _body = SamplePayloads.Json(BodyBytes);

    /// <summary>UTF-8 check and parse.</summary>
    [Benchmark(Baseline = true)]
    public bool Parse()
    {
        using var document = JsonBodyValidator.TryParse(_body, out _, out _);
        return document is not null;
    }

    /// <summary>Parse, then the three required-field rules.</summary>
    [Benchmark]
    public int ParseAndValidate()
    {
        using var document = JsonBodyValidator.TryParse(_body, out _, out _);
        return JsonBodyValidator.Validate(document!.RootElement, Rules).Count;
    }
}
