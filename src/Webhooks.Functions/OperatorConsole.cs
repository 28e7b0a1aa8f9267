using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting.Console;

namespace Webhooks.Functions;

/// <summary><c>GET /api/console/{*path}</c>: the operator console's embedded page, scripts and styles.</summary>
/// <remarks>The page calls the admin API at <c>/api/manage/…</c> with the operator's key; the files themselves are public.</remarks>
public static class OperatorConsole
{
    /// <summary>
    /// Anonymous: the files hold no secrets, and every API call they make is checked by the admin API. Every method
    /// reaches the handler, which answers all but GET and HEAD with the documented 405 problem.
    /// </summary>
    [Function(nameof(OperatorConsole))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "console/{*path}")] HttpRequest request,
        string? path)
    {
        await HttpConsole.HandleAsync(request.HttpContext, path);
        return HandlerWroteResponse.Instance;
    }
}
