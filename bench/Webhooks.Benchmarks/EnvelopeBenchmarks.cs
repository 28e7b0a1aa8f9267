using BenchmarkDotNet.Attributes;
using Webhooks.Envelopes;

namespace Webhooks.Benchmarks;

/// <summary>Envelope encode and decode: what intake writes and each worker reads per delivery.</summary>
public class EnvelopeBenchmarks
{
    private DeliveryEnvelope _envelope = null!;
    private byte[] _serialized = [];

    /// <summary>The body size in bytes; 16 KiB shows how cost grows with the body.</summary>
    [Params(1024, 16 * 1024)]
    public int BodyBytes { get; set; } = 1024;

    /// <summary>An envelope as intake builds it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _envelope = new DeliveryEnvelope
        {
            Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            Source = "shop",
            ReceivedAt = new DateTimeOffset(2026, 11, 22, 10, 15, 30, TimeSpan.Zero),
            ContentType = "application/json",
            Headers = new(StringComparer.OrdinalIgnoreCase)
            {
                ["webhook-id"] = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
                ["webhook-timestamp"] = "1795263330",
                ["user-agent"] = "Svix-Webhooks/1.0",
            },
            Body = SamplePayloads.Json(BodyBytes),
        };
        _serialized = EnvelopeSerializer.Serialize(_envelope);
    }

    /// <summary>Envelope to UTF-8 JSON.</summary>
    [Benchmark]
    public int Serialize() => EnvelopeSerializer.Serialize(_envelope).Length;

    /// <summary>UTF-8 JSON to envelope.</summary>
    [Benchmark]
    public int Deserialize() => EnvelopeSerializer.Deserialize(_serialized).Body!.Length;
}
