using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>POST|OPTIONS /api/webhooks/{source}</c>: verifies, validates and queues a delivery.</summary>
public static class ReceiveWebhook
{
    /// <summary>Anonymous at the host: each source's verifier authenticates the request.</summary>
    [Function(nameof(ReceiveWebhook))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "webhooks/{source}")] HttpRequest request,
        string source)
    {
        await HttpIntake.HandleAsync(request.HttpContext, source);
        return HandlerWroteResponse.Instance;
    }
}
