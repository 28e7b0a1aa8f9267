using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Intake;
using Webhooks.Verification;

namespace Webhooks.Benchmarks;

/// <summary>
/// The whole engine intake for one signed Standard Webhooks delivery — verify, parse, validate, build and serialize
/// the envelope, claim and confirm the delivery id for dedup, answer 202 — with the queue and the dedup store replaced
/// by in-process stubs. No HTTP, no storage.
/// </summary>
public class IntakePipelineBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 30, TimeSpan.Zero);

    private ServiceProvider _services = null!;
    private WebhookIntake _intake = null!;
    private byte[] _body = [];
    private DictionaryRequestHeaders _headers = null!;

    /// <summary>The body size in bytes; 16 KiB shows how cost grows with the body.</summary>
    [Params(1024, 16 * 1024)]
    public int BodyBytes { get; set; } = 1024;

    /// <summary>The real DI registration (<c>AddWebhooks</c>) with a sink registered first and a fixed clock.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _services = StubbedEngine.Build(
            new Dictionary<string, string?>
            {
                ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
                ["Webhooks:Sources:shop:Secrets:0"] = SamplePayloads.Secret,
                ["Webhooks:Sources:shop:Validation:RequiredFields:type"] = "string",
                ["Webhooks:Sources:shop:Validation:RequiredFields:data.id"] = "string",
            },
            Now);
        _intake = _services.GetRequiredService<WebhookIntake>();

        _body = SamplePayloads.Json(BodyBytes);
        var signed = StandardWebhooksSigner.CreateHeaders(SamplePayloads.Secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Now, _body);
        _headers = new DictionaryRequestHeaders([.. signed, new("Content-Type", "application/json"), new("User-Agent", "Svix-Webhooks/1.0")]);
        if (Accept().GetAwaiter().GetResult() != 202)
        {
            throw new InvalidOperationException("The benchmark delivery is not accepted; the benchmark would measure a refusal.");
        }
    }

    /// <summary>Disposes the container.</summary>
    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>One delivery through the engine to the sink.</summary>
    [Benchmark]
    public async Task<int> Accept()
    {
        var response = await _intake.HandleAsync(new IntakeRequest
        {
            Method = "POST",
            Source = "shop",
            Path = "/api/webhooks/shop",
            Headers = _headers,
            Body = new MemoryStream(_body, writable: false),
            ContentLength = _body.Length,
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        });
        return response.Status;
    }
}
