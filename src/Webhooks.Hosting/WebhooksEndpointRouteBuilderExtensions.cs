using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Webhooks.Hosting;

/// <summary>Maps the HTTP surface under <c>/api</c> (the Functions route prefix).</summary>
public static class WebhooksEndpointRouteBuilderExtensions
{
    /// <summary>Maps intake, health and admin endpoints.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/health", () => Results.Ok(new { status = "starting" }));
        api.Map("/admin/{**path}", (HttpContext httpContext, string? path) => HttpAdmin.HandleAsync(httpContext, path ?? string.Empty));
        return endpoints;
    }
}
