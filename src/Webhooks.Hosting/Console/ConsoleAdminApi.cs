using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Intake;
using Webhooks.Payloads;
using Webhooks.Problems;

namespace Webhooks.Hosting.Console;

/// <summary>
/// The admin endpoints the console needs beyond the dead-letter API, behind the same key check in
/// <see cref="HttpAdmin"/>: <c>GET sources</c> (what to register with each provider, no secrets) and
/// <c>GET activity</c> (this instance's outcome counts over the last hour), and <c>GET deadletters/{id}/body</c>
/// (a delivery's body as a download, from the record or its claim-check blob; <c>Range: bytes=0-N</c> for a preview).
/// </summary>
internal static class ConsoleAdminApi
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static IntakeResponse Sources(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<WebhooksOptions>>().CurrentValue;
        var log = services.GetService<HandshakeLog>();
        var pauses = services.GetService<TargetPauseRegistry>();
        var request = httpContext.Request;
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var sources = options.Sources
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => Describe(s.Key, s.Value, root, options.Intake.DefaultMaxBodyBytes, log, pauses))
            .ToList();
        return Json(new ConsoleSources(sources), ConsoleJsonContext.Default.ConsoleSources);
    }

    public static IntakeResponse Activity(HttpContext httpContext)
    {
        var activity = httpContext.RequestServices.GetService<DeliveryActivity>();
        var window = activity?.Snapshot() ?? new ActivityWindow(TimeProvider.System.GetUtcNow(), 60, []);
        return Json(window, ConsoleJsonContext.Default.ActivityWindow);
    }

    public static async Task<IntakeResponse> BodyAsync(HttpContext httpContext, DeadLetterStore store, string id, string traceId)
    {
        var cancellationToken = httpContext.RequestAborted;
        var entry = await store.GetAsync(id, cancellationToken);
        if (entry?.Record.Envelope is not { } envelope)
        {
            return NotFound(httpContext, entry is null ? $"No dead-letter entry with id '{id}'." : $"Dead-letter entry '{id}' holds no delivery body.", traceId);
        }

        var length = envelope.Body?.LongLength ?? envelope.BodyRef?.Length ?? 0;
        var count = PrefixLength(httpContext.Request.Headers.Range.ToString(), length);
        var response = httpContext.Response;

        // Never rendered by the browser whatever the provider sent (it is untrusted): an attachment, sniffing off.
        response.StatusCode = count < length ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = $"attachment; filename=\"{SafeFileName(envelope.Id)}.body\"";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        response.Headers.AcceptRanges = "bytes";
        response.Headers["X-Delivery-Content-Type"] = envelope.ContentType;
        if (count < length)
        {
            response.Headers.ContentRange = $"bytes 0-{Math.Max(0, count - 1)}/{length}";
        }

        if (envelope.Body is { } inline)
        {
            response.ContentLength = count;
            await response.Body.WriteAsync(inline.AsMemory(0, (int)count), cancellationToken);
            return Written(response);
        }

        if (envelope.BodyRef is not { } reference || httpContext.RequestServices.GetService<PayloadStore>() is not { } payloads)
        {
            return NotFound(httpContext, $"The body of '{id}' is not stored where this host can read it.", traceId);
        }

        try
        {
            await using var stored = await payloads.OpenReadAsync(reference, cancellationToken);
            response.ContentLength = count;
            await CopyPrefixAsync(stored.Content, response.Body, count, cancellationToken);
            return Written(response);
        }
        catch (PayloadNotFoundException)
        {
            response.Headers.Remove("Content-Range");
            response.Headers.Remove("Content-Disposition");
            return NotFound(httpContext, $"The body of '{id}' is no longer stored (deleted, or removed by the storage lifecycle rule).", traceId);
        }
    }

    /// <summary>How many leading bytes to send: all, or N+1 for <c>bytes=0-N</c> (the only range the console asks for).</summary>
    private static long PrefixLength(string range, long length)
    {
        const string Prefix = "bytes=0-";
        return range.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(range.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last)
            ? Math.Min(length, last + 1)
            : length;
    }

    private static async Task CopyPrefixAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            count -= read;
        }
    }

    private static string SafeFileName(string id) =>
        new([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);

    /// <summary>The response is already written; the admin API's writer leaves a started response alone.</summary>
    private static IntakeResponse Written(HttpResponse response) => new() { Status = response.StatusCode };

    private static IntakeResponse NotFound(HttpContext httpContext, string message, string traceId) =>
        ProblemResponses.Create(httpContext, new Problem(404, ErrorCodes.NotFound, message) { Entity = ProblemEntities.DeadLetter }, traceId);

    private static ConsoleSource Describe(string name, SourceOptions source, string root, long defaultMaxBodyBytes, HandshakeLog? log, TargetPauseRegistry? pauses)
    {
        var path = $"/api/webhooks/{Uri.EscapeDataString(name)}";
        return new ConsoleSource(
            name,
            path,
            root + path,
            source.Verification,
            source.State,
            source.Secrets.Count(s => !string.IsNullOrEmpty(s)),
            source.MaxBodyBytes ?? defaultMaxBodyBytes,
            source.RateLimit is { } rate ? new ConsoleRateLimit(rate.PermitsPerSecond, rate.Burst ?? Math.Max(1, (int)Math.Ceiling(rate.PermitsPerSecond))) : null,
            new ConsoleTarget(SafeUrl(source.Target.Url), source.Target.Auth.Type, pauses?.IsPaused(name) ?? false),
            [.. source.Handshakes.Select(h => new ConsoleHandshake(h, log?.LastAnswered(name, h)))]);
    }

    /// <summary>The target URL without user info, query or fragment: those may carry credentials (Functions <c>?code=</c>).</summary>
    private static string? SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : null;

    private static IntakeResponse Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) => new()
    {
        Status = 200,
        ContentType = JsonContentType,
        Body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo),
    };
}
