using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Webhooks.AzureStorage;
using Webhooks.Configuration;
using Webhooks.Envelopes;

namespace Webhooks.Payloads;

/// <summary>
/// The claim-check store: bodies too large for a queue message live as blobs
/// <c>payloads/&lt;source&gt;/&lt;guid&gt;</c> in the payload container, and the queued envelope carries a
/// <see cref="BodyReference"/> to them. Intake writes them before it answers 202; the delivery worker streams them
/// to the target and deletes them once the delivery is done; a dead-lettered delivery keeps its blob so it can be
/// replayed, until the dead-letter record is purged (which calls <see cref="DeleteAsync"/>).
/// </summary>
/// <remarks>
/// A reference comes from a queue message, which anyone with queue access (or a replayed record) can write, so it
/// is not trusted: only blobs of the configured payload container whose names have the shape this store writes are
/// ever read or deleted (<see cref="IsOwnReference"/>). Anything else is treated as missing, without a call, so a
/// message cannot make the worker post another blob of the account (the Functions host's secrets, say) to a
/// target, nor purge delete one. Blob metadata records the source and delivery id for operators. Members are
/// virtual so tests can substitute a narrow seam. Storage failures surface as the SDK's exceptions.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used; it is not.")]
public partial class PayloadStore
{
    /// <summary>The blob name prefix of claim-check bodies.</summary>
    public const string Prefix = "payloads/";

    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    /// <summary>A store in the container named by <c>Webhooks:Queues:Payloads</c>.</summary>
    public PayloadStore(BlobServiceClient blobs, IOptions<WebhooksOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _container = blobs.GetBlobContainerClient(options.Value.Queues.Payloads);
    }

    /// <summary>For mocking.</summary>
    protected PayloadStore()
    {
        _container = null!;
    }

    /// <summary>The container holding the payloads (and the duplicate-detection records).</summary>
    public virtual BlobContainerClient Container => _container;

    /// <summary>Creates the container if needed; once per process, tried again after a failure.</summary>
    public virtual async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>
    /// Starts a streamed upload of one body for <paramref name="source"/> under a new, unique name. Nothing is
    /// visible until <see cref="CommitAsync"/>; call <see cref="BlockBlobWriter.DiscardAsync"/> to give up.
    /// </summary>
    public virtual BlockBlobWriter StartUpload(string source, int blockSize = BlockBlobWriter.DefaultBlockSize) =>
        new(_container.GetBlockBlobClient(NewBlobName(source)), blockSize);

    /// <summary>Commits a streamed upload and returns the reference the envelope carries.</summary>
    public virtual async Task<BodyReference> CommitAsync(BlockBlobWriter upload, string source, string deliveryId, string? contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var length = upload.Length;
        await upload.CommitAsync(Headers(contentType), Metadata(source, deliveryId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new BodyReference(upload.Blob.BlobContainerName, upload.Blob.Name, length);
    }

    /// <summary>Stores a body already in memory (one Put Blob) and returns its reference.</summary>
    public virtual async Task<BodyReference> UploadAsync(string source, string deliveryId, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(NewBlobName(source));
        var options = new BlobUploadOptions { HttpHeaders = Headers(contentType), Metadata = Metadata(source, deliveryId) };
        await blob.UploadAsync(new BinaryData(body), options, cancellationToken).ConfigureAwait(false);
        return new BodyReference(blob.BlobContainerName, blob.Name, body.Length);
    }

    /// <summary>Opens a stored body for streaming; dispose the result.</summary>
    /// <exception cref="PayloadNotFoundException">The blob is gone (deleted, or removed by the lifecycle rule), or the reference is not one this store wrote (nothing is read then).</exception>
    public virtual async Task<PayloadDownload> OpenReadAsync(BodyReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!IsOwnReference(reference))
        {
            throw new PayloadNotFoundException(reference, untrusted: true);
        }

        try
        {
            var download = await _container.GetBlobClient(reference.Blob).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PayloadDownload(download.Value.Content, download.Value.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new PayloadNotFoundException(reference, inner: ex);
        }
    }

    /// <summary>
    /// Deletes a stored body; false when it was already gone, or when the reference is not one this store wrote
    /// (nothing is deleted then). Call it when the delivery is done, or when a dead-letter record that references
    /// it is purged.
    /// </summary>
    public virtual async Task<bool> DeleteAsync(BodyReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!IsOwnReference(reference))
        {
            return false;
        }

        var deleted = await _container.GetBlobClient(reference.Blob).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return deleted.Value;
    }

    /// <summary>True when <paramref name="reference"/> names a blob of this store's container with the shape it writes: <c>payloads/&lt;source&gt;/&lt;32 hex digits&gt;</c>.</summary>
    public virtual bool IsOwnReference(BodyReference reference) =>
        reference is not null
        && string.Equals(reference.Container, _container.Name, StringComparison.Ordinal)
        && reference.Blob is { } name
        && OwnBlobName().IsMatch(name);

    private static string NewBlobName(string source) =>
        $"{Prefix}{source.ToLowerInvariant()}/{Guid.CreateVersion7():N}";

    private static BlobHttpHeaders? Headers(string? contentType) =>
        string.IsNullOrEmpty(contentType) ? null : new BlobHttpHeaders { ContentType = contentType };

    private static Dictionary<string, string> Metadata(string source, string deliveryId) => new()
    {
        ["source"] = source,
        ["deliveryid"] = deliveryId,
    };

    [GeneratedRegex("^payloads/[a-z0-9_-]{1,64}/[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnBlobName();
}
