using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;
using Webhooks.Problems;

namespace Webhooks.Hosting;

/// <summary>
/// <c>GET /api/health</c>: 200 when every delivery queue and the dead-letter queue answer, 503 when any does not,
/// with queue depths either way. Keys: <c>deliveries</c> (queue 0), <c>deliveries1</c>…, <c>deadLetter</c>,
/// <c>poison</c> (queue 0's), <c>poison1</c>…; poison queues are reported but never make the app unhealthy.
/// </summary>
public static class HttpHealth
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Probes the queues and writes the report.</summary>
    public static async Task HandleAsync(HttpContext httpContext)
    {
        if (!HttpMethods.IsGet(httpContext.Request.Method) && !HttpMethods.IsHead(httpContext.Request.Method))
        {
            var notAllowed = new Problem(405, ErrorCodes.MethodNotAllowed, $"{httpContext.Request.Method} is not allowed here; use GET.").WithHeader("Allow", "GET, HEAD");
            await ResponseWriter.WriteAsync(httpContext, ProblemResponses.Create(httpContext, notAllowed, Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier));
            return;
        }

        var queues = httpContext.RequestServices.GetRequiredService<WebhookQueues>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        deadline.CancelAfter(ProbeTimeout);

        var delivery = queues.DeliveryQueues.Select((q, i) => ProbeAsync(KeyOf("deliveries", i), q, required: true, deadline.Token));
        var poison = queues.PoisonQueues.Select((q, i) => ProbeAsync(KeyOf("poison", i), q, required: false, deadline.Token));
        var probes = await Task.WhenAll(delivery.Append(ProbeAsync("deadLetter", queues.DeadLetter, required: true, deadline.Token)).Concat(poison));
        var healthy = probes.All(p => p.Reachable || !p.Required);

        var report = new Dictionary<string, object?>
        {
            ["status"] = healthy ? "healthy" : "unhealthy",
            ["queues"] = probes.ToDictionary(p => p.Key, p => (object)new { name = p.Name, reachable = p.Reachable, approximateMessages = p.Count, error = p.Error }),
        };
        foreach (var contributor in httpContext.RequestServices.GetServices<IHealthContributor>())
        {
            await contributor.ContributeAsync(report, deadline.Token);
        }

        httpContext.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.CacheControl = "no-store";
        await httpContext.Response.WriteAsJsonAsync(report, JsonOptions, httpContext.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // Queue 0 keeps the plain key (deliveries, poison) that one-queue deployments and their monitors know.
    private static string KeyOf(string role, int index) =>
        index == 0 ? role : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{role}{index}");

    private static async Task<QueueProbe> ProbeAsync(string key, QueueClient queue, bool required, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await queue.GetPropertiesAsync(cancellationToken)).Value;
            return new QueueProbe(key, queue.Name, true, required, properties.ApproximateMessagesCount, null);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex) || ex is OperationCanceledException)
        {
            var error = ex is Azure.RequestFailedException { Status: 404 } ? "not created yet" : "unreachable";
            return new QueueProbe(key, queue.Name, ex is Azure.RequestFailedException { Status: 404 }, required, null, error);
        }
    }

    private sealed record QueueProbe(string Key, string Name, bool Reachable, bool Required, int? Count, string? Error);
}

/// <summary>Adds a section to the health report (paused targets, worker state).</summary>
public interface IHealthContributor
{
    /// <summary>Adds entries to <paramref name="report"/>; storage trouble is reported in them, never thrown.</summary>
    Task ContributeAsync(IDictionary<string, object?> report, CancellationToken cancellationToken);
}
