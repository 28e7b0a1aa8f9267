using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary><c>POST|OPTIONS /api/webhooks/{source}</c> (other methods: 405): verifies, validates and queues a delivery.</summary>
public static class ReceiveWebhook
{
    /// <summary>
    /// Anonymous at the host: each source's verifier authenticates the request. Every method reaches the handler, so a
    /// wrong one gets the documented 405 problem with <c>Allow</c> (the host itself would answer a bare 404).
    /// </summary>
    [Function(nameof(ReceiveWebhook))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "webhooks/{source}")] HttpRequest request,
        string source)
    {
        await HttpIntake.HandleAsync(request.HttpContext, source);
        return HandlerWroteResponse.Instance;
    }
}
