using Azure.Monitor.OpenTelemetry.AspNetCore;
using Webhooks.Hosting;
using Webhooks.Hosting.Console;
using Webhooks.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddWebhooks(builder.Configuration);

// Exporters by configuration only (docs/observability.md): Azure Monitor through its ASP.NET Core distro, OTLP, or none.
builder.Services.AddWebhooksTelemetry(
    builder.Configuration,
    useAzureMonitor: (otel, credential) => otel.UseAzureMonitor(o =>
    {
        if (credential is not null)
        {
            o.Credential = credential;
        }
    }));

var app = builder.Build();
app.MapWebhooks();
app.MapWebhooksConsole();
app.MapDevelopmentEcho();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
