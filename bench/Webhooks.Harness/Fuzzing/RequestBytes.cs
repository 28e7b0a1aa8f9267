using System.Globalization;
using System.Text;

namespace Webhooks.Harness.Fuzzing;

/// <summary>Builds an HTTP/1.1 request head byte for byte, including things no HTTP client library would send.</summary>
public sealed class RequestBytes
{
    private readonly List<(string Name, string Value)> _headers = [];

    /// <summary>A POST to <paramref name="path"/>.</summary>
    public RequestBytes(string path, string method = "POST")
    {
        Path = path;
        Method = method;
    }

    /// <summary>The method token as sent.</summary>
    public string Method { get; set; }

    /// <summary>The HTTP version token as sent (<c>HTTP/1.1</c>).</summary>
    public string Version { get; set; } = "HTTP/1.1";

    /// <summary>The request target as sent.</summary>
    public string Path { get; set; }

    /// <summary>The Content-Length to declare: null sends the body's real length, a negative value sends none.</summary>
    public long? DeclaredLength { get; set; }

    /// <summary>Raw bytes placed verbatim among the headers (for bytes no string header can carry).</summary>
    public byte[]? RawHeaderBytes { get; set; }

    /// <summary>The headers in order (duplicates kept).</summary>
    public IReadOnlyList<(string Name, string Value)> Headers => _headers;

    /// <summary>Adds a header (duplicates allowed, sent in order).</summary>
    public RequestBytes Header(string name, string value)
    {
        _headers.Add((name, value));
        return this;
    }

    /// <summary>Removes every header of that name.</summary>
    public RequestBytes Without(string name)
    {
        _headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    /// <summary>Replaces every header of that name with one value.</summary>
    public RequestBytes Set(string name, string value) => Without(name).Header(name, value);

    /// <summary>The request line and headers (with Host and Content-Length), ending in the blank line.</summary>
    public byte[] Head(string host, int bodyLength)
    {
        var text = new StringBuilder()
            .Append(Method).Append(' ').Append(Path).Append(' ').Append(Version).Append("\r\n")
            .Append("Host: ").Append(host).Append("\r\n");
        foreach (var (name, value) in _headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var declared = DeclaredLength ?? bodyLength;
        var chunked = _headers.Any(h => string.Equals(h.Name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase));
        if (declared >= 0 && !chunked)
        {
            text.Append("Content-Length: ").Append(declared.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        // Latin-1 keeps every char below 256 as one byte, so tests can put any byte value in a header.
        var head = Encoding.Latin1.GetBytes(text.ToString());
        var tail = "\r\n"u8.ToArray();
        return RawHeaderBytes is null ? [.. head, .. tail] : [.. head, .. RawHeaderBytes, .. tail];
    }
}
