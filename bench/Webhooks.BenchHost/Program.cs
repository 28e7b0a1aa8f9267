using Webhooks.BenchHost;
using Webhooks.Dedup;
using Webhooks.Hosting;
using Webhooks.Queuing;

// Bench:Mode = sink | bare. Everything else (Urls, Webhooks:*, AzureWebJobsStorage, Logging) comes from the
// environment, exactly as for src/Webhooks.Server, so the two processes differ only in what the mode changes.
var builder = WebApplication.CreateBuilder(args);
var mode = builder.Configuration["Bench:Mode"] ?? BenchModes.Sink;

if (string.Equals(mode, BenchModes.Bare, StringComparison.OrdinalIgnoreCase))
{
    var bare = builder.Build();
    bare.MapPost("/api/webhooks/{source}", () => Results.StatusCode(StatusCodes.Status202Accepted));
    bare.MapGet("/api/health", () => Results.Ok());
    bare.Run();
    return;
}

if (!string.Equals(mode, BenchModes.Sink, StringComparison.OrdinalIgnoreCase))
{
    throw new InvalidOperationException($"Bench:Mode '{mode}' is unknown; use '{BenchModes.Sink}' or '{BenchModes.Bare}'.");
}

// IDeliveryQueue and IDeliveryDeduplicator are TryAdd-registered by AddWebhooks, so registering these first replaces
// the two storage writes intake makes (the dedup claim and the queue write) and nothing else.
builder.Services.AddSingleton<IDeliveryQueue, SinkDeliveryQueue>();
builder.Services.AddSingleton<IDeliveryDeduplicator, InMemoryDeduplicator>();
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddWebhooksTelemetry(builder.Configuration); // OTLP or Webhooks:Telemetry:RecordWithoutExport, as the server
var app = builder.Build();
app.MapWebhooks();
app.Run();
