using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>GET|POST|DELETE /api/manage/{*path}</c>: the admin API (dead letters, queues).</summary>
/// <remarks>
/// Not <c>admin/…</c> as on Kestrel: the Functions host refuses any function route that starts with <c>admin</c> or
/// <c>runtime</c>, whatever the route prefix ("The specified route conflicts with one or more built in routes").
/// </remarks>
public static class AdminApi
{
    /// <summary>Anonymous at the host: the handler checks <c>x-api-key</c> against <c>Webhooks:Admin:ApiKeys</c>.</summary>
    [Function(nameof(AdminApi))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "delete", Route = "manage/{*path}")] HttpRequest request,
        string? path)
    {
        await HttpAdmin.HandleAsync(request.HttpContext, path ?? string.Empty);
        return HandlerWroteResponse.Instance;
    }
}
