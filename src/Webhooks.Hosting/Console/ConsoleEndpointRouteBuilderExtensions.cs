using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Webhooks.Hosting.Console;

/// <summary>Maps the operator console on the Kestrel host.</summary>
public static class ConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the console at <c>/api/console/</c> — the same URL as the Functions app, whose routes all start with
    /// <c>/api</c>, so the page finds the admin API at <c>../manage/</c> on either host — and redirects <c>/console</c> there.
    /// </summary>
    public static IEndpointRouteBuilder MapWebhooksConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/api/console/{**path}", (HttpContext httpContext, string? path) => HttpConsole.HandleAsync(httpContext, path));
        endpoints.Map("/console/{**path}", (HttpContext httpContext) =>
        {
            httpContext.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            httpContext.Response.Headers.Location = httpContext.Request.PathBase + "/api/console/";
            return Task.CompletedTask;
        });
        return endpoints;
    }
}
