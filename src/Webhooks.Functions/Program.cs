using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Hosting;
using Webhooks.Functions;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: HTTP functions get the real HttpContext, so the shared handlers write the response.
builder.ConfigureFunctionsWebApplication();

// Here the queue trigger (DeliverWebhook) is the delivery worker. The engine's hosted polling workers must not also
// run, or two consumers would race for the same messages. Added last, so it wins over app settings.
builder.Configuration.AddInMemoryCollection([new("Webhooks:Delivery:Enabled", "false")]);

builder.Services.AddWebhooksFunctions(builder.Configuration);

// Telemetry by configuration (docs/observability.md): the worker's OpenTelemetry integration, exporting to Application
// Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set (host.json's telemetryMode makes the host do the same).
builder.Services.AddWebhooksTelemetry(
    builder.Configuration,
    useAzureMonitor: (otel, credential) => otel.UseAzureMonitorExporter(o =>
    {
        if (credential is not null)
        {
            o.Credential = credential;
        }
    }),
    configureHost: otel => otel.UseFunctionsWorkerDefaults());

var app = builder.Build();
try
{
    // Validate before anything starts (the worker's gRPC channel would fail first, with a stack trace).
    _ = app.Services.GetRequiredService<IOptions<WebhooksOptions>>().Value;
}
catch (OptionsValidationException ex)
{
    // A wrong setting: one line per problem, no stack trace, and a non-zero exit the host reports.
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"Configuration error: {failure}");
    }

    return 2; // invalid configuration, as the Kestrel host exits (README "Start-up failures")
}

app.Run();
return 0;
