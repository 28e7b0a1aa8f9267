namespace Webhooks.Storage;

/// <summary>A blob's system properties and metadata (Get Blob Properties, or the headers of Get Blob).</summary>
/// <param name="ContentLength">Size in bytes.</param>
/// <param name="ContentType">The stored content type, if any.</param>
/// <param name="ETag">The entity tag (quoted, as the service sends it), for <see cref="BlobRequestConditions.IfMatch"/>.</param>
/// <param name="LastModified">When the blob was last written.</param>
/// <param name="CreatedOn">When the blob was created.</param>
/// <param name="Metadata">User metadata (<c>x-ms-meta-*</c>), names case-insensitive.</param>
public sealed record BlobProperties(
    long ContentLength,
    string? ContentType,
    string ETag,
    DateTimeOffset? LastModified,
    DateTimeOffset? CreatedOn,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>What a write returns.</summary>
/// <param name="ETag">The new entity tag.</param>
/// <param name="LastModified">When the write happened, by the service's clock.</param>
public sealed record BlobContentInfo(string ETag, DateTimeOffset? LastModified);

/// <summary>Conditions a write, read or delete applies only under (optimistic concurrency).</summary>
public sealed class BlobRequestConditions
{
    /// <summary>Only when the blob does not exist yet: <c>If-None-Match: *</c>; a blob that exists fails with 409 BlobAlreadyExists.</summary>
    public static BlobRequestConditions IfNotExists => new() { IfNoneMatch = "*" };

    /// <summary>Only when the blob's ETag equals this one (<c>If-Match</c>); otherwise 412 ConditionNotMet.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Only when the blob's ETag differs (<c>If-None-Match</c>); <c>*</c> means "only when it does not exist".</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>Only when the blob's ETag equals <paramref name="etag"/>.</summary>
    public static BlobRequestConditions IfMatches(string etag) => new() { IfMatch = etag };
}

/// <summary>How to write a blob.</summary>
public sealed class BlobUploadOptions
{
    /// <summary>The default block size for large uploads: 4 MiB.</summary>
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    /// <summary>The largest block the service accepts (4000 MiB); we cap lower to keep memory sane.</summary>
    public const int MaxBlockSize = 100 * 1024 * 1024;

    /// <summary>The stored content type (<c>x-ms-blob-content-type</c>); null leaves the service default.</summary>
    public string? ContentType { get; init; }

    /// <summary>User metadata: names are C# identifiers, values printable ASCII.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Conditions on the write, e.g. <see cref="BlobRequestConditions.IfNotExists"/>.</summary>
    public BlobRequestConditions? Conditions { get; init; }

    /// <summary>
    /// Streamed uploads: content up to one block goes in one Put Blob; larger content is sent in blocks of this
    /// size (Put Block) and committed with Put Block List. Memory is bounded by one block. Default 4 MiB.
    /// </summary>
    public int BlockSize { get; init; } = DefaultBlockSize;
}

/// <summary>A small blob read whole (Get Blob).</summary>
/// <param name="Content">The bytes.</param>
/// <param name="Details">Its properties at the time of the read.</param>
public sealed record BlobDownloadResult(BinaryData Content, BlobProperties Details);

/// <summary>
/// A blob being read (Get Blob): <see cref="Content"/> streams from the network, nothing is buffered. Dispose it
/// to release the connection.
/// </summary>
public sealed class BlobDownloadStreamingResult : IDisposable, IAsyncDisposable
{
    internal BlobDownloadStreamingResult(Stream content, BlobProperties details)
    {
        Content = content;
        Details = details;
    }

    /// <summary>The body, read from the network as it is consumed.</summary>
    public Stream Content { get; }

    /// <summary>Its properties (length, ETag, metadata).</summary>
    public BlobProperties Details { get; }

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
