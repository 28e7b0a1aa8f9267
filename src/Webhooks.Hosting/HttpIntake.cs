using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Webhooks.Diagnostics;
using Webhooks.Intake;
using Webhooks.Problems;

namespace Webhooks.Hosting;

/// <summary>
/// Runs the engine's intake for an ASP.NET Core request and writes its answer. The Kestrel host maps it on
/// <c>/api/webhooks/{source}</c>; the Functions HTTP trigger calls it with the same <see cref="HttpContext"/>.
/// </summary>
public static class HttpIntake
{
    /// <summary>Handles the request and writes the full response.</summary>
    public static async Task HandleAsync(HttpContext httpContext, string source)
    {
        var services = httpContext.RequestServices;
        var request = httpContext.Request;
        using var activity = IntakeRequestSpan.Start(httpContext, source, out var hostSpan);
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        IntakeResponse response;
        try
        {
            response = await services.GetRequiredService<WebhookIntake>().HandleAsync(
                new IntakeRequest
                {
                    Method = request.Method,
                    Source = source,
                    Path = request.Path.Value ?? string.Empty,
                    Headers = new HeaderDictionaryAdapter(request.Headers),
                    Query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    Body = new RequestBodyStream(request.Body),
                    ContentLength = request.ContentLength,
                    TraceId = traceId,
                },
                httpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits: a body arriving too slowly (408), over the server's cap (413), malformed framing (400).
            response = ProblemResponses.Create(httpContext, ex.StatusCode, ex.StatusCode switch
            {
                408 => "The request body arrived too slowly.",
                413 => "The body exceeds the server's limit.",
                _ => "The request could not be read.",
            }, traceId);
        }
        catch (Exception ex) when (ex is ConnectionResetException || (ex is OperationCanceledException or IOException && httpContext.RequestAborted.IsCancellationRequested))
        {
            // The caller went away (a reset mid-body surfaces as a ConnectionResetException, possibly before
            // RequestAborted fires); nothing was acknowledged and nobody is listening for an answer. The sender's
            // problem, not ours: Debug. Aborting tells Kestrel the connection is done, so it does not try to drain
            // a body whose failed read it still counts as in progress (and log that at Error).
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpIntake))
                .LogDebug("The sender of a delivery for {Source} went away before its body was read (trace {TraceId})", source, traceId);
            httpContext.Abort();
            activity?.SetStatus(ActivityStatusCode.Error, "client disconnected");
            activity?.Stop();
            Activity.Current = hostSpan; // as below: stopping a span continued from the caller would leave none current
            return;
        }
        catch (IOException)
        {
            // Kestrel reports some malformed framing as a plain IOException rather than a BadHttpRequestException (an
            // overflowing chunk size: "Bad chunk size data."). Queue failures never get here: intake answers them 503.
            response = ProblemResponses.Create(httpContext, 400, "The request body could not be read.", traceId);
        }
        catch (Exception ex)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpIntake))
                .LogError(ex, "Unexpected failure handling a delivery for {Source} (trace {TraceId})", source, traceId);
            response = ProblemResponses.Create(httpContext, 500, "An unexpected error occurred. Quote the traceId when reporting it.", traceId);
        }

        // Unknown sources share one tag value, so a URL scanner cannot grow the metric's cardinality.
        services.GetService<WebhooksMetrics>()?.RecordIntakeRequest(
            response is { Status: 404, ErrorCode: ErrorCodes.NotFound } ? null : source, response.Status);
        IntakeTelemetry.Complete(activity, response, request.ContentLength);
        Activity.Current = hostSpan; // the intake span may have stood in for it
        await ResponseWriter.WriteAsync(httpContext, response);
    }
}
