using System.Text;
using System.Xml.Linq;
using Azure;

namespace Webhooks.Storage;

/// <summary>
/// A client for one block blob, speaking the documented Blob service REST protocol
/// (https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api). A small sibling of
/// Azure.Storage.Blobs' <c>BlobClient</c>: Put Blob, Put Block / Put Block List, Get Blob (streamed), Get Blob
/// Properties, Set Blob Metadata and Delete Blob.
/// </summary>
/// <remarks>
/// Every failure is a <see cref="RequestFailedException"/> carrying the service's status and <c>x-ms-error-code</c>
/// (e.g. 409 <c>BlobAlreadyExists</c> for a create-only write, 412 <c>ConditionNotMet</c> for a stale ETag, 404
/// <c>BlobNotFound</c>); a transport failure or timeout has status 0. A download's body can still fail while it is
/// read, with the stream's own <see cref="IOException"/>. Members are virtual so tests can substitute a narrow seam.
/// </remarks>
public class BlobClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobClient(Uri containerUri, string containerName, string blobName, StoragePipeline pipeline)
    {
        BlobNames.ValidateBlobName(blobName, nameof(blobName));
        ContainerName = containerName;
        Name = blobName;
        Uri = new Uri(containerUri.AbsoluteUri.TrimEnd('/') + "/" + BlobNames.EscapePath(blobName));
        _pipeline = pipeline;
    }

    /// <summary>For mocking.</summary>
    protected BlobClient()
    {
        ContainerName = string.Empty;
        Name = string.Empty;
        Uri = new Uri("http://localhost/");
        _pipeline = null!;
    }

    /// <summary>The blob's name within its container.</summary>
    public virtual string Name { get; }

    /// <summary>The container's name.</summary>
    public virtual string ContainerName { get; }

    /// <summary>The blob's URI, without credentials.</summary>
    public virtual Uri Uri { get; }

    /// <summary>The block id for the <paramref name="index"/>-th block: base64 of a fixed-length text, as the service requires.</summary>
    public static string BlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(index.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Writes the whole blob from memory in one call (Put Blob), replacing it unless the conditions say otherwise.</summary>
    public virtual async Task<BlobContentInfo> UploadAsync(ReadOnlyMemory<byte> content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Put, Uri)
            .WithHeader("x-ms-blob-type", "BlockBlob")
            .WithBinaryBody(content);
        AddWriteOptions(request, options);
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return StorageHeaders.ReadContentInfo(response);
    }

    /// <summary>
    /// Writes the blob from a stream: content that fits one block goes in one Put Blob, anything larger is staged
    /// in blocks of <see cref="BlobUploadOptions.BlockSize"/> and committed with Put Block List. Memory stays at one
    /// block whatever the length.
    /// </summary>
    public virtual async Task<BlobContentInfo> UploadAsync(Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var writer = new BlockBlobWriter(this, options?.BlockSize ?? BlobUploadOptions.DefaultBlockSize);
        await writer.WriteFromAsync(content, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stages one uncommitted block (Put Block). Uncommitted blocks are discarded by the service after a week.</summary>
    public virtual async Task StageBlockAsync(string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        var request = new StorageRequest(HttpMethod.Put, Uri)
            .WithQuery("comp", "block")
            .WithQuery("blockid", blockId)
            .WithBinaryBody(content);
        await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the staged blocks, in this order, the blob's content (Put Block List).</summary>
    public virtual async Task<BlobContentInfo> CommitBlockListAsync(IEnumerable<string> blockIds, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockIds);
        var list = new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id)));
        var request = new StorageRequest(HttpMethod.Put, Uri)
            .WithQuery("comp", "blocklist")
            .WithXmlBody("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + list.ToString(SaveOptions.DisableFormatting));
        AddWriteOptions(request, options);
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return StorageHeaders.ReadContentInfo(response);
    }

    /// <summary>
    /// Opens the blob for reading (Get Blob): returns once the headers arrived; the body streams from the network
    /// as <see cref="BlobDownloadStreamingResult.Content"/> is read, nothing is buffered. Dispose the result.
    /// </summary>
    public virtual async Task<BlobDownloadStreamingResult> DownloadStreamingAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Get, Uri).WithConditions(conditions);
        var response = await _pipeline.SendStreamingAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var details = StorageHeaders.ReadBlobProperties(response.Headers, response.Content.Headers);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new BlobDownloadStreamingResult(new ResponseOwningStream(response, body), details);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Reads a small blob whole (Get Blob), within the network timeout.</summary>
    public virtual async Task<BlobDownloadResult> DownloadContentAsync(CancellationToken cancellationToken = default)
    {
        var response = await _pipeline.SendAsync(new StorageRequest(HttpMethod.Get, Uri), cancellationToken).ConfigureAwait(false);
        return new BlobDownloadResult(
            BinaryData.FromBytes(response.Content),
            StorageHeaders.ReadBlobProperties(response.Headers, response.ContentHeaders));
    }

    /// <summary>Reads the blob's properties and metadata without its content (Get Blob Properties).</summary>
    public virtual async Task<BlobProperties> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        var response = await _pipeline.SendAsync(new StorageRequest(HttpMethod.Head, Uri), cancellationToken).ConfigureAwait(false);
        return StorageHeaders.ReadBlobProperties(response.Headers, response.ContentHeaders);
    }

    /// <summary>Replaces the blob's user metadata (Set Blob Metadata).</summary>
    public virtual async Task<BlobContentInfo> SetMetadataAsync(IReadOnlyDictionary<string, string> metadata, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var request = new StorageRequest(HttpMethod.Put, Uri)
            .WithQuery("comp", "metadata")
            .WithMetadata(metadata)
            .WithConditions(conditions);
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return StorageHeaders.ReadContentInfo(response);
    }

    /// <summary>Deletes the blob (Delete Blob); false when it (or its container) did not exist.</summary>
    public virtual async Task<bool> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await _pipeline.SendAsync(new StorageRequest(HttpMethod.Delete, Uri).WithConditions(conditions), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private static void AddWriteOptions(StorageRequest request, BlobUploadOptions? options)
    {
        if (options?.ContentType is { Length: > 0 } contentType)
        {
            request.WithHeader("x-ms-blob-content-type", contentType);
        }

        request.WithMetadata(options?.Metadata).WithConditions(options?.Conditions);
    }
}
