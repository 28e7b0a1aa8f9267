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

// While starting, a failure is reported once, in plain words, by StartupFailure; the host would log it again
// with its stack trace. Once started, the host's errors (a failed background service) are logged as usual.
var started = false;
builder.Logging.AddFilter(StartupFailure.HostLogCategory, level => started || level < LogLevel.Error);

var app = builder.Build();
app.MapWebhooks();
app.MapWebhooksConsole();
app.MapDevelopmentEcho();
app.Lifetime.ApplicationStarted.Register(() => started = true);

try
{
    await app.StartAsync();
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    return StartupFailure.Report(ex, Console.Error);
}

await app.WaitForShutdownAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
