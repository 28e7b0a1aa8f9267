using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>GET|POST|DELETE /api/manage/{*path}</c> (other methods: 405): the admin API (dead letters, queues).</summary>
/// <remarks>
/// Not <c>admin/…</c> as on Kestrel: the Functions host refuses any function route that starts with <c>admin</c> or
/// <c>runtime</c>, whatever the route prefix ("The specified route conflicts with one or more built in routes").
/// </remarks>
public static class AdminApi
{
    /// <summary>
    /// Anonymous at the host: the handler checks <c>x-api-key</c> against <c>Webhooks:Admin:ApiKeys</c>, and answers a
    /// wrong method with the documented 405 problem, so every method reaches it.
    /// </summary>
    [Function(nameof(AdminApi))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "manage/{*path}")] HttpRequest request,
        string? path)
    {
        await HttpAdmin.HandleAsync(request.HttpContext, path ?? string.Empty);
        return HandlerWroteResponse.Instance;
    }
}
