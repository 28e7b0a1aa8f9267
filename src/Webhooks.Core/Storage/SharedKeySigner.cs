using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Storage;

/// <summary>
/// Shared Key authorization for the Blob and Queue services (version 2009-09-19 and later), as documented in
/// "Authorize with Shared Key": HMAC-SHA256 with the account key over the verb, the standard headers, the
/// canonicalized <c>x-ms-*</c> headers and the canonicalized resource.
/// </summary>
internal static class SharedKeySigner
{
    /// <summary>Sets <c>Authorization: SharedKey account:signature</c>. Call after every other header is set.</summary>
    public static void Sign(HttpRequestMessage request, string accountName, byte[] accountKey)
    {
        var signature = ComputeSignature(accountKey, BuildStringToSign(request, accountName));
        request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{accountName}:{signature}");
    }

    /// <summary>Base64 of HMAC-SHA256(key, UTF-8 string-to-sign).</summary>
    public static string ComputeSignature(byte[] accountKey, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The canonical string the signature covers.</summary>
    public static string BuildStringToSign(HttpRequestMessage request, string accountName)
    {
        var content = request.Content?.Headers;
        var length = content?.ContentLength;
        var builder = new StringBuilder();
        builder.Append(request.Method.Method).Append('\n');
        builder.Append(Join(content?.ContentEncoding)).Append('\n');
        builder.Append(Join(content?.ContentLanguage)).Append('\n');

        // Since 2015-02-21 a zero Content-Length is signed as the empty string.
        builder.Append(length is null or 0 ? string.Empty : length.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(content?.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : string.Empty).Append('\n');
        builder.Append(content?.ContentType?.ToString() ?? string.Empty).Append('\n');

        // Date is empty because x-ms-date is always sent (and is signed among the x-ms-* headers).
        builder.Append('\n');
        builder.Append(Header(request.Headers, "If-Modified-Since")).Append('\n');
        builder.Append(Header(request.Headers, "If-Match")).Append('\n');
        builder.Append(Header(request.Headers, "If-None-Match")).Append('\n');
        builder.Append(Header(request.Headers, "If-Unmodified-Since")).Append('\n');
        builder.Append(Header(request.Headers, "Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, request.Headers);
        AppendCanonicalizedResource(builder, request.RequestUri!, accountName);
        return builder.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder builder, HttpRequestHeaders headers)
    {
        var msHeaders = headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value.Select(Unfold))))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string accountName)
    {
        // Path-style (emulator) URIs repeat the account: /devstoreaccount1/devstoreaccount1/queue.
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var parameters = ParseQuery(uri.Query)
            .GroupBy(p => p.Name.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in parameters)
        {
            var values = group.Select(p => p.Value).Order(StringComparer.Ordinal);
            builder.Append('\n').Append(group.Key).Append(':').Append(string.Join(',', values));
        }
    }

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return (Uri.UnescapeDataString(name), Uri.UnescapeDataString(value));
        }
    }

    // Values are signed trimmed; HttpClient already refuses folded (multi-line) header values.
    private static string Unfold(string value) => value.Trim();

    private static string Join(ICollection<string>? values) => values is null ? string.Empty : string.Join(',', values);

    private static string Header(HttpRequestHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(',', values) : string.Empty;
}
