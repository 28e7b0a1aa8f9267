using System.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Webhooks.Diagnostics;

namespace Webhooks.Hosting;

/// <summary>
/// OpenTelemetry for both hosts, switched on by configuration alone: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// exports to Azure Monitor (through the host's own integration), <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> over OTLP
/// (the standard <c>OTEL_*</c> variables apply), both when both are set; with neither nothing is registered, so no
/// span is recorded and the engine's span points cost a branch. See docs/observability.md.
/// </summary>
public static class WebhooksTelemetryExtensions
{
    /// <summary>Setting that turns the Azure Monitor exporter on.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Setting for Entra ID (managed identity) ingestion: <c>Authorization=AAD</c>, optionally <c>;ClientId=…</c>.</summary>
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Setting that turns the OTLP exporter on.</summary>
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// <c>true</c>: record every span and metric but export nothing (benchmarks measure telemetry's cost with it;
    /// see docs/benchmarks.md). Off by default.
    /// </summary>
    public const string RecordWithoutExportSetting = "Webhooks:Telemetry:RecordWithoutExport";

    /// <summary>The <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "webhooks";

    /// <summary>
    /// Registers OpenTelemetry with the engine's instrumentation when an exporter is configured (or
    /// <see cref="RecordWithoutExportSetting"/> is true); returns the builder, or null when telemetry stays off.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Where the exporter settings are read (environment variables included).</param>
    /// <param name="useAzureMonitor">The host's Azure Monitor exporter, given the identity credential to use (null: the connection string's key).</param>
    /// <param name="configureHost">Anything else the host adds whenever telemetry is on (the Functions worker's defaults).</param>
    public static OpenTelemetryBuilder? AddWebhooksTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<OpenTelemetryBuilder, TokenCredential?>? useAzureMonitor = null,
        Action<OpenTelemetryBuilder>? configureHost = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = useAzureMonitor is not null && !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpSetting]);
        var recordOnly = configuration.GetValue<bool>(RecordWithoutExportSetting);
        if (!azureMonitor && !otlp && !recordOnly)
        {
            return null;
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"];
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(serviceName))
                {
                    resource.AddService(DefaultServiceName);
                }
            })
            .WithTracing(tracing => tracing.AddWebhooksInstrumentation())
            .WithMetrics(metrics => metrics.AddWebhooksInstrumentation())
            .WithLogging();
        configureHost?.Invoke(builder);
        if (azureMonitor)
        {
            useAzureMonitor!(builder, AzureMonitorCredential(configuration[AzureMonitorAuthenticationSetting]));
        }

        if (otlp)
        {
            builder.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The engine's spans (source <c>Webhooks</c>) with ASP.NET Core and HttpClient instrumentation; for intake requests
    /// the engine's intake span is the server span instead of ASP.NET Core's (<see cref="IntakeRequestSpan"/>). HttpClient spans
    /// are kept only inside a trace, and those of calls to delivery targets keep only scheme, host and port of the
    /// URL, whose path or query may carry a key.
    /// </summary>
    public static TracerProviderBuilder AddWebhooksInstrumentation(this TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing
            .AddSource(WebhooksTelemetry.SourceName)
            .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IntakeRequestSpan.IsIntake(context)) // intake's span is the engine's
            .AddHttpClientInstrumentation()
            .AddProcessor(new HttpClientSpanTrimmer());
    }

    /// <summary>The engine's meter (<c>Webhooks</c>) with ASP.NET Core and HttpClient metrics.</summary>
    public static MeterProviderBuilder AddWebhooksInstrumentation(this MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics
            .AddMeter(WebhooksMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation();
    }

    /// <summary>
    /// The credential for Entra ID ingestion from an <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// (<c>Authorization=AAD[;ClientId=…]</c>, the Functions host's format): a managed identity, user-assigned when
    /// a client id is given. Null when the string is absent or does not ask for AAD.
    /// </summary>
    public static TokenCredential? AzureMonitorCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        string? authorization = null, clientId = null;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.IndexOf('=', StringComparison.Ordinal) is var i and > 0 ? (part[..i].Trim(), part[(i + 1)..].Trim()) : (part, string.Empty);
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = value;
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    // HttpClient spans: only calls made inside a trace (intake's storage writes, a delivery's target call) are kept —
    // the worker's polls, the settling of a message (after its delivery span has ended) and the gauges' sampling
    // would otherwise each start a trace of their own; and a call made inside a delivery span is a call to a target:
    // its URL is kept to the authority.
    private sealed class HttpClientSpanTrimmer : BaseProcessor<Activity>
    {
        private const string HttpClientOperation = "System.Net.Http.HttpRequestOut";

        public override void OnStart(Activity data)
        {
            if (data.OperationName == HttpClientOperation && data.ParentSpanId == default)
            {
                // Not recorded: exporters skip it, and the runtime stops filling in its tags.
                data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                data.IsAllDataRequested = false;
            }
        }

        public override void OnEnd(Activity data)
        {
            if (data.OperationName == HttpClientOperation
                && data.Parent is { } parent
                && ReferenceEquals(parent.Source, WebhooksTelemetry.Source)
                && parent.OperationName == WebhooksTelemetry.DeliverySpan
                && data.GetTagItem("url.full") is string url
                && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                data.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority) + "/");
                data.SetTag("url.path", null);
                data.SetTag("url.query", null);
            }
        }
    }
}
