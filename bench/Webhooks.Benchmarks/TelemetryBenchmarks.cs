using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Webhooks.Delivery;
using Webhooks.Diagnostics;
using Webhooks.Envelopes;
using Webhooks.Intake;

namespace Webhooks.Benchmarks;

/// <summary>
/// What the span points cost per delivery: the intake span (start, the engine's tags, close) and a delivery span
/// (continue the stored trace with a link, tag the call, close with the outcome) — with nobody listening (no exporter
/// configured) and with an OpenTelemetry tracer provider recording everything and exporting nothing.
/// </summary>
public class TelemetryBenchmarks
{
    private static readonly IntakeResponse Accepted = new() { Status = 202, DeliveryId = "msg_1" };
    private static readonly TargetCallResult Call = new() { StartedAt = DateTimeOffset.UnixEpoch, Duration = TimeSpan.FromMilliseconds(12), Status = 200 };
    private static readonly DeliveryOutcome Done = new() { Kind = DeliveryOutcomeKind.Delivered, Attempt = 1, Status = 200 };

    private readonly DeliveryEnvelope _envelope = new()
    {
        Id = "msg_1",
        Source = "shop",
        ReceivedAt = DateTimeOffset.UnixEpoch,
        ContentType = "application/json",
        Body = new byte[1024],
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ProviderTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };

    private TracerProvider? _provider;

    /// <summary>False: no listener (the default without an exporter). True: recorded, not exported.</summary>
    [Params(false, true)]
    public bool Recording { get; set; }

    [GlobalSetup]
    public void Setup() => _provider = Recording ? Sdk.CreateTracerProviderBuilder().AddSource(WebhooksTelemetry.SourceName).Build() : null;

    [GlobalCleanup]
    public void Cleanup() => _provider?.Dispose();

    /// <summary>One intake span as intake drives it for an accepted delivery.</summary>
    [Benchmark]
    public void IntakeSpan()
    {
        var activity = IntakeTelemetry.Start("shop");
        IntakeTelemetry.Accepting(_envelope, "msg_1", 1024);
        IntakeTelemetry.Dedup(Dedup.DedupVerdict.New);
        IntakeTelemetry.Queued("webhooks-deliveries");
        IntakeTelemetry.Complete(activity, Accepted, 1024);
    }

    /// <summary>One delivery span for a delivered attempt.</summary>
    [Benchmark]
    public void DeliverySpan()
    {
        var activity = DeliveryTelemetry.Start(_envelope, "webhooks-deliveries");
        DeliveryTelemetry.Called("https://shop.example.com/hooks", Call);
        DeliveryTelemetry.Settled(activity, _envelope, Done, DateTimeOffset.UnixEpoch, metrics: null);
    }

    /// <summary>The envelope's trace fields as intake sets them.</summary>
    [Benchmark]
    public string? StampTraceParent()
    {
        using var activity = Recording ? IntakeTelemetry.Start("shop") : null;
        return TraceParents.Current();
    }
}
