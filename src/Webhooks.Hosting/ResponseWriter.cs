using Microsoft.AspNetCore.Http;
using Webhooks.Intake;

namespace Webhooks.Hosting;

/// <summary>Writes an engine answer to an ASP.NET Core response.</summary>
internal static class ResponseWriter
{
    public static async Task WriteAsync(HttpContext httpContext, IntakeResponse response)
    {
        var http = httpContext.Response;
        if (http.HasStarted)
        {
            return;
        }

        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        if (response.ContentType is null)
        {
            return;
        }

        http.ContentType = response.ContentType;
        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, httpContext.RequestAborted);
    }
}
