using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.DeadLetters;
using Webhooks.Intake;
using Webhooks.Payloads;
using Webhooks.Problems;

namespace Webhooks.Hosting.Console;

/// <summary>
/// <c>GET /api/admin/deadletters/{id}/body</c>: a dead letter's delivery body as stored — inline in the record, or
/// streamed from its claim-check blob — as a download for the console. <c>Range: bytes=0-N</c> sends only the first
/// N+1 bytes (the console's preview of a large body).
/// </summary>
internal static class DeadLetterBodyDownload
{
    public static async Task<IntakeResponse> HandleAsync(HttpContext httpContext, DeadLetterStore store, string id, string traceId)
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
}
