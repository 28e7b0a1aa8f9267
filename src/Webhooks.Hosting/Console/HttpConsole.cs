using System.Diagnostics;
using Microsoft.AspNetCore.Http;

using Webhooks.Problems;

namespace Webhooks.Hosting.Console;

/// <summary>
/// Serves the operator console's embedded files under <c>/api/console/</c>. Both hosts call
/// <see cref="HandleAsync"/>: Kestrel through <c>MapWebhooksConsole</c>, the Functions app from its
/// <c>OperatorConsole</c> HTTP function. The files hold no secrets and call the admin API with the key the operator
/// types in, so serving them needs no key.
/// </summary>
public static class HttpConsole
{
    /// <summary>
    /// Scripts and styles only from the console's own files (no inline script, no CDN), API calls only to this host,
    /// and no framing (clickjacking).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string IndexFile = "index.html";

    /// <summary>Writes the file at <paramref name="path"/> (relative to the console's root; empty for the page itself).</summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="path">The part after <c>console/</c>.</param>
    public static Task HandleAsync(HttpContext httpContext, string? path)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        AddSecurityHeaders(response.Headers);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var notAllowed = new Problem(405, ErrorCodes.MethodNotAllowed, $"{request.Method} is not allowed here; the console is read with GET.").WithHeader("Allow", "GET, HEAD");
            return ResponseWriter.WriteAsync(httpContext, ProblemResponses.Create(httpContext, notAllowed, Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier));
        }

        path = (path ?? string.Empty).Trim('/');
        if (path.Length == 0 && !(request.Path.Value ?? string.Empty).EndsWith('/'))
        {
            // The page's links and scripts are relative: the page must be at ".../console/", not ".../console".
            response.StatusCode = StatusCodes.Status308PermanentRedirect;
            response.Headers.Location = request.PathBase + request.Path + "/";
            return Task.CompletedTask;
        }

        if (ConsoleAssets.Find(path.Length == 0 ? IndexFile : path) is not { } asset)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        if (request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(asset.Content, httpContext.RequestAborted).AsTask();
    }

    private static void AddSecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
