using System.Net.Http.Headers;

namespace Webhooks.Storage;

/// <summary>A successful, fully read response: status, headers and the (small) body text.</summary>
internal sealed class StorageResponse(int status, HttpResponseHeaders headers, string body)
{
    /// <summary>The HTTP status (2xx).</summary>
    public int Status { get; } = status;

    /// <summary>The response headers.</summary>
    public HttpResponseHeaders Headers { get; } = headers;

    /// <summary>The body text; empty when there is none.</summary>
    public string Body { get; } = body;

    /// <summary>A header's first value, or null.</summary>
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
