using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Storage;

namespace Webhooks.Hosting;

/// <summary>
/// <c>GET /api/health</c>: 200 when the queues answer, 503 when they don't, with queue depths either way.
/// </summary>
public static class HttpHealth
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Probes the queues and writes the report.</summary>
    public static async Task HandleAsync(HttpContext httpContext)
    {
        var queues = httpContext.RequestServices.GetRequiredService<WebhookQueues>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        deadline.CancelAfter(ProbeTimeout);

        var probes = await Task.WhenAll(
            ProbeAsync("deliveries", queues.Deliveries, deadline.Token),
            ProbeAsync("deadLetter", queues.DeadLetter, deadline.Token),
            ProbeAsync("poison", queues.DeliveriesPoison, deadline.Token));
        var healthy = probes[0].Reachable && probes[1].Reachable;

        var report = new Dictionary<string, object?>
        {
            ["status"] = healthy ? "healthy" : "unhealthy",
            ["queues"] = probes.ToDictionary(p => p.Key, p => (object)new { name = p.Name, reachable = p.Reachable, approximateMessages = p.Count, error = p.Error }),
        };
        foreach (var contributor in httpContext.RequestServices.GetServices<IHealthContributor>())
        {
            contributor.Contribute(report);
        }

        httpContext.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.CacheControl = "no-store";
        await httpContext.Response.WriteAsJsonAsync(report, JsonOptions, httpContext.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static async Task<QueueProbe> ProbeAsync(string key, QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken);
            return new QueueProbe(key, queue.Name, true, properties.ApproximateMessagesCount, null);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException)
        {
            var error = ex is Azure.RequestFailedException { Status: 404 } ? "not created yet" : "unreachable";
            return new QueueProbe(key, queue.Name, ex is Azure.RequestFailedException { Status: 404 }, null, error);
        }
    }

    private sealed record QueueProbe(string Key, string Name, bool Reachable, int? Count, string? Error);
}

/// <summary>Adds a section to the health report (paused targets, worker state).</summary>
public interface IHealthContributor
{
    /// <summary>Adds entries to <paramref name="report"/>.</summary>
    void Contribute(IDictionary<string, object?> report);
}
