using Azure.Storage.Queues.Models;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Hosting;
using Webhooks.AzureStorage;

namespace Webhooks.Benchmarks;

/// <summary>
/// What telemetry adds to one whole delivery: <see cref="DeliveryProcessor.ProcessReceivedAsync"/> of a queued
/// envelope through the real HttpClient stack to a loopback stub that plays both the target (200) and the Queue
/// service (Delete Message, 204) — decode, span, call, classify, settle. Off: nobody listening (no exporter
/// configured). On: the hosts' OpenTelemetry instrumentation (<c>AddWebhooksInstrumentation</c>: the engine's source
/// and meter, HttpClient spans and metrics) recording everything, exporting nothing. The stub's own work is in both
/// numbers alike; the difference is telemetry's cost. Allocations are exact; the times need a quiet machine (on a
/// loaded one the loopback round trips' waits swing the means by several times, in any order of the variants).
/// </summary>
public class DeliveryTelemetryBenchmarks : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private LoopbackHttpStub _stub = null!;
    private ServiceProvider _services = null!;
    private DeliveryProcessor _processor = null!;
    private WebhookQueues _queues = null!;
    private QueueMessage _message = null!;
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;

    /// <summary>What is recorded (nothing exported): <c>off</c> (the default without an exporter), <c>traces</c>, <c>metrics</c>, <c>both</c> (what the hosts register).</summary>
    [Params("off", "traces", "metrics", "both")]
    public string Recording { get; set; } = "off";

    /// <summary>The real DI registration against the stub, and the providers when recording.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _stub = new LoopbackHttpStub();
        var endpoint = $"http://127.0.0.1:{_stub.Port}/devstoreaccount1";
        _services = StubbedEngine.Build(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] =
                    $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint={endpoint};BlobEndpoint={endpoint};TableEndpoint={endpoint};",
                ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
                ["Webhooks:Sources:shop:Secrets:0"] = SamplePayloads.Secret,
                ["Webhooks:Sources:shop:Target:Url"] = $"http://127.0.0.1:{_stub.Port}/hooks",
                ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
                ["Webhooks:Delivery:Enabled"] = "false",
            },
            Now,
            services => services.AddSingleton<ITargetPauseStore, NoPauses>());
        _processor = _services.GetRequiredService<DeliveryProcessor>();
        _queues = _services.GetRequiredService<WebhookQueues>();
        var envelope = new DeliveryEnvelope
        {
            Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            Source = "shop",
            ReceivedAt = Now,
            ContentType = "application/json",
            Body = SamplePayloads.Json(1024),
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ProviderTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };
        _message = QueuesModelFactory.QueueMessage("5974b586-0df3-4e2d-ad0c-18e3892bfca2", "AgAAAAMAAAAAAAAA", new BinaryData(EnvelopeSerializer.Serialize(envelope)), 1);
        if (Recording is "traces" or "both")
        {
            _tracing = Sdk.CreateTracerProviderBuilder().AddWebhooksInstrumentation().Build();
        }

        if (Recording is "metrics" or "both")
        {
            _metrics = Sdk.CreateMeterProviderBuilder().AddWebhooksInstrumentation().Build();
        }

        if (Deliver().GetAwaiter().GetResult() != DeliveryOutcomeKind.Delivered)
        {
            throw new InvalidOperationException("The benchmark delivery is not delivered; the benchmark would measure something else.");
        }
    }

    /// <summary>Stops the providers, the container and the stub.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
        _services.Dispose();
        _stub.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One delivery: the target answers 200 and the message is deleted.</summary>
    [Benchmark]
    public async Task<DeliveryOutcomeKind> Deliver() =>
        (await _processor.ProcessReceivedAsync(_queues.Deliveries, _message)).Kind;

    private sealed class NoPauses : ITargetPauseStore
    {
        public Task<IReadOnlyList<TargetPauseRecord>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<TargetPauseRecord>>([]);

        public Task<TargetPauseRecord?> GetAsync(string source, CancellationToken cancellationToken) => Task.FromResult<TargetPauseRecord?>(null);

        public Task<TargetPauseRecord?> TryWriteAsync(TargetPauseRecord record, CancellationToken cancellationToken) => Task.FromResult<TargetPauseRecord?>(record);

        public Task<int?> DeleteAsync(string source, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

        public Task MarkHeldAsync(string source, string deliveryId, DateTimeOffset pausedAt, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task UnmarkHeldAsync(string source, string deliveryId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> CountHeldAsync(string source, DateTimeOffset pausedAt, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
