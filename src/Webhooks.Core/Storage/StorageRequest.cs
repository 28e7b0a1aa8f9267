using System.Globalization;
using System.Text;

namespace Webhooks.Storage;

/// <summary>One REST call to describe before sending: verb, resource URI, query parameters and an optional XML body.</summary>
internal sealed class StorageRequest(HttpMethod method, Uri resource)
{
    private readonly List<KeyValuePair<string, string>> _query = [];

    /// <summary>The HTTP verb.</summary>
    public HttpMethod Method { get; } = method;

    /// <summary>The resource (service, queue, messages or one message), without query.</summary>
    public Uri Resource { get; } = resource;

    /// <summary>The XML body, or null for none.</summary>
    public string? XmlBody { get; private set; }

    /// <summary>Adds a query parameter (escaped when the URI is built).</summary>
    public StorageRequest WithQuery(string name, string value)
    {
        _query.Add(new(name, value));
        return this;
    }

    /// <summary>Adds an integer query parameter.</summary>
    public StorageRequest WithQuery(string name, long value) => WithQuery(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets the XML body.</summary>
    public StorageRequest WithXmlBody(string xml)
    {
        XmlBody = xml;
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
