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

        // Every method reaches intake, so a wrong one gets our documented 405 with a problem body.
        api.Map("/webhooks/{source}", (HttpContext context, string source) => HttpIntake.HandleAsync(context, source));
        api.Map("/health", HttpHealth.HandleAsync);

        // The admin API answers on both prefixes: the Functions host reserves routes starting with "admin", so the
        // Functions app serves it at /api/manage; here both work and scripts can use one URL for either host.
        api.Map("/admin/{**path}", (HttpContext httpContext, string? path) => HttpAdmin.HandleAsync(httpContext, path ?? string.Empty));
        api.Map("/manage/{**path}", (HttpContext httpContext, string? path) => HttpAdmin.HandleAsync(httpContext, path ?? string.Empty));
        return endpoints;
    }
}
