using System.Globalization;
using System.Text;

namespace Webhooks.Storage;

/// <summary>
/// One REST call to describe before sending: verb, resource URI, query parameters, extra headers (conditions,
/// metadata, blob properties) and an optional XML or binary body.
/// </summary>
internal sealed class StorageRequest(HttpMethod method, Uri resource)
{
    private readonly List<KeyValuePair<string, string>> _query = [];
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>The HTTP verb.</summary>
    public HttpMethod Method { get; } = method;

    /// <summary>The resource (service, queue, container, blob, messages or one message), without query.</summary>
    public Uri Resource { get; } = resource;

    /// <summary>The XML body as UTF-8, or null for none.</summary>
    public ReadOnlyMemory<byte>? XmlBody { get; private set; }

    /// <summary>A binary body (blob content, a block), or empty for none. Not copied: the caller keeps it alive until the call returns.</summary>
    public ReadOnlyMemory<byte>? BinaryBody { get; private set; }

    /// <summary>Headers added to the request before it is signed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Adds a query parameter (escaped when the URI is built).</summary>
    public StorageRequest WithQuery(string name, string value)
    {
        _query.Add(new(name, value));
        return this;
    }

    /// <summary>Adds an integer query parameter.</summary>
    public StorageRequest WithQuery(string name, long value) => WithQuery(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a request header (an <c>x-ms-*</c> header or a condition such as <c>If-None-Match</c>).</summary>
    public StorageRequest WithHeader(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>Sets the XML body.</summary>
    public StorageRequest WithXmlBody(string xml) => WithXmlBody(Encoding.UTF8.GetBytes(xml));

    /// <summary>Sets an XML body already encoded as UTF-8. Not copied, like <see cref="WithBinaryBody"/>.</summary>
    public StorageRequest WithXmlBody(ReadOnlyMemory<byte> utf8Xml)
    {
        XmlBody = utf8Xml;
        return this;
    }

    /// <summary>Sets a binary body, sent with its exact length.</summary>
    public StorageRequest WithBinaryBody(ReadOnlyMemory<byte> content)
    {
        BinaryBody = content;
        return this;
    }

    /// <summary>The full URI with the escaped query.</summary>
    public Uri BuildUri()
    {
        if (_query.Count == 0)
        {
            return Resource;
        }

        var builder = new StringBuilder(Resource.AbsoluteUri);
        for (var i = 0; i < _query.Count; i++)
        {
            builder.Append(i == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(_query[i].Key)).Append('=')
                .Append(Uri.EscapeDataString(_query[i].Value));
        }

        return new Uri(builder.ToString());
    }

    /// <summary>Method and path, for error messages: never the query, which can carry a SAS.</summary>
    public string Describe() => $"{Method.Method} {Resource.AbsolutePath}";
}
