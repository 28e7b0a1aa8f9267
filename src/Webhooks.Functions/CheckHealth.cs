using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>GET /api/health</c>: whether the queues are reachable.</summary>
public static class CheckHealth
{
    /// <summary>Anonymous, like a load balancer probe.</summary>
    [Function(nameof(CheckHealth))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        await HttpHealth.HandleAsync(request.HttpContext);
        return HandlerWroteResponse.Instance;
    }
}
