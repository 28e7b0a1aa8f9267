using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>GET /api/health</c>: whether the queues are reachable.</summary>
public static class CheckHealth
{
    /// <summary>Anonymous, like a load balancer probe; every method reaches the handler, which answers 405 to all but GET and HEAD.</summary>
    [Function(nameof(CheckHealth))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "health")] HttpRequest request)
    {
        await HttpHealth.HandleAsync(request.HttpContext);
        return HandlerWroteResponse.Instance;
    }
}
