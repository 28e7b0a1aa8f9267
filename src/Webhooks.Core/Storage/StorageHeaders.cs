using System.Globalization;
using System.Net.Http.Headers;

namespace Webhooks.Storage;

/// <summary>Headers shared by the blob operations: metadata, conditions, and reading properties back.</summary>
internal static class StorageHeaders
{
    private const string MetaPrefix = "x-ms-meta-";

    /// <summary>Adds <c>x-ms-meta-*</c> headers, refusing names and values the service (or HTTP) would reject.</summary>
    public static StorageRequest WithMetadata(this StorageRequest request, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            if (!IsIdentifier(name))
            {
                throw new ArgumentException($"Metadata name '{name}' must be a C# identifier (letters, digits, '_', not starting with a digit).", nameof(metadata));
            }

            if (value.Any(c => c is < ' ' or > '~'))
            {
                throw new ArgumentException($"Metadata value for '{name}' must be printable ASCII.", nameof(metadata));
            }

            request.WithHeader(MetaPrefix + name, value);
        }

        return request;
    }

    /// <summary>Adds <c>If-Match</c>/<c>If-None-Match</c>.</summary>
    public static StorageRequest WithConditions(this StorageRequest request, BlobRequestConditions? conditions)
    {
        if (conditions?.IfMatch is { Length: > 0 } ifMatch)
        {
            request.WithHeader("If-Match", ifMatch);
        }

        if (conditions?.IfNoneMatch is { Length: > 0 } ifNoneMatch)
        {
            request.WithHeader("If-None-Match", ifNoneMatch);
        }

        return request;
    }

    /// <summary>The <c>x-ms-meta-*</c> headers as a case-insensitive dictionary.</summary>
    public static Dictionary<string, string> ReadMetadata(HttpResponseHeaders headers) =>
        headers
            .Where(h => h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key[MetaPrefix.Length..], h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>The blob properties carried by a Get Blob or Get Blob Properties response.</summary>
    public static BlobProperties ReadBlobProperties(HttpResponseHeaders headers, HttpContentHeaders? content)
    {
        var length = content?.ContentLength
            ?? (long.TryParse(First(headers, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0);
        return new BlobProperties(
            length,
            content?.ContentType?.ToString(),
            ReadETag(headers),
            content?.LastModified ?? QueueXml.ParseDate(First(headers, "Last-Modified")),
            QueueXml.ParseDate(First(headers, "x-ms-creation-time")),
            ReadMetadata(headers));
    }

    /// <summary>The ETag exactly as sent (quoted).</summary>
    public static string ReadETag(HttpResponseHeaders headers) =>
        headers.ETag?.ToString() ?? First(headers, "ETag") ?? string.Empty;

    /// <summary>What a write returns.</summary>
    public static BlobContentInfo ReadContentInfo(StorageResponse response) =>
        new(ReadETag(response.Headers), QueueXml.ParseDate(response.Header("Last-Modified")));

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
