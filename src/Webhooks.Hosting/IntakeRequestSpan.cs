using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Webhooks.Diagnostics;

namespace Webhooks.Hosting;

/// <summary>
/// The intake span is the server span of an intake request. ASP.NET Core's own request span is filtered out for
/// intake (<see cref="WebhooksTelemetryExtensions.AddWebhooksInstrumentation(OpenTelemetry.Trace.TracerProviderBuilder)"/>):
/// recording it added about a tenth to the CPU of a request at in-process-sink speed (docs/benchmarks.md, "Telemetry
/// overhead") and told nothing the intake span does not — so the intake span takes its place, continuing the caller's
/// <c>traceparent</c> itself. Admin, health and console requests keep ASP.NET Core's span.
/// </summary>
internal static class IntakeRequestSpan
{
    /// <summary>The route intake is mapped on (<see cref="WebhooksEndpointRouteBuilderExtensions"/>).</summary>
    public const string Route = "/api/webhooks/{source}";

    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private static readonly PathString IntakePrefix = new("/api/webhooks");

    /// <summary>Whether ASP.NET Core's request span is left unrecorded for this request (an intake request).</summary>
    public static bool IsIntake(HttpContext context) => context.Request.Path.StartsWithSegments(IntakePrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts the intake span for the request; null when nobody listens.</summary>
    public static Activity? Start(HttpContext context, string source, out Activity? hostSpan)
    {
        hostSpan = Activity.Current;
        if (!WebhooksTelemetry.Source.HasListeners())
        {
            return null;
        }

        if (hostSpan is not { Recorded: false } unrecorded || unrecorded.Source.Name != AspNetCoreSource)
        {
            // Another host's span (the Functions worker's invocation), or ASP.NET Core's recorded after all: a child.
            return IntakeTelemetry.Start(source);
        }

        ActivityContext? caller = unrecorded.ParentId is { } parentId && ActivityContext.TryParse(parentId, unrecorded.TraceStateString, isRemote: true, out var parsed)
            ? parsed
            : null;
        return IntakeTelemetry.StartAsServer(source, context.Request.Method, Route, caller);
    }
}
