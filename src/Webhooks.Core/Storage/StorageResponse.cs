using System.Net.Http.Headers;
using System.Text;

namespace Webhooks.Storage;

/// <summary>A successful, fully read response: status, headers and the (small) body.</summary>
internal sealed class StorageResponse(int status, HttpResponseHeaders headers, HttpContentHeaders? contentHeaders, byte[] content)
{
    private string? _body;

    /// <summary>The HTTP status (2xx).</summary>
    public int Status { get; } = status;

    /// <summary>The response headers.</summary>
    public HttpResponseHeaders Headers { get; } = headers;

    /// <summary>The content headers (Content-Length, Content-Type, Last-Modified), when the response had content headers.</summary>
    public HttpContentHeaders? ContentHeaders { get; } = contentHeaders;

    /// <summary>The raw body bytes; empty when there is none.</summary>
    public byte[] Content { get; } = content;

    /// <summary>The body as UTF-8 text; empty when there is none.</summary>
    public string Body => _body ??= Encoding.UTF8.GetString(Content);

    /// <summary>A header's first value (response or content header), or null.</summary>
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault()
        : null;
}
