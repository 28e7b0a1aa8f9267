using Azure;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Storage;

namespace Webhooks.Payloads;

/// <summary>
/// The claim-check store: bodies too large for a queue message live as blobs
/// <c>payloads/&lt;source&gt;/&lt;guid&gt;</c> in the payload container, and the queued envelope carries a
/// <see cref="BodyReference"/> to them. Intake writes them before it answers 202; the delivery worker streams them
/// to the target and deletes them once the delivery is done; a dead-lettered delivery keeps its blob so it can be
/// replayed, until the dead-letter record is purged (which calls <see cref="DeleteAsync"/>).
/// </summary>
/// <remarks>
/// Blob metadata records the source and delivery id for operators (<c>source</c>, <c>deliveryid</c>). Members are
/// virtual so tests can substitute a narrow seam. Storage failures surface as <see cref="RequestFailedException"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used; it is not.")]
public class PayloadStore
{
    /// <summary>The blob name prefix of claim-check bodies.</summary>
    public const string Prefix = "payloads/";

    private readonly BlobContainerClient _container;
    private readonly BlobServiceClient _service;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    /// <summary>A store in the container named by <c>Webhooks:Queues:Payloads</c>.</summary>
    public PayloadStore(BlobServiceClient blobs, IOptions<WebhooksOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _service = blobs;
        _container = blobs.GetBlobContainerClient(options.Value.Queues.Payloads);
    }

    /// <summary>For mocking.</summary>
    protected PayloadStore()
    {
        _container = null!;
        _service = null!;
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
                await _container.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
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
    public virtual BlockBlobWriter StartUpload(string source, int blockSize = BlobUploadOptions.DefaultBlockSize) =>
        new(_container.GetBlobClient(NewBlobName(source)), blockSize);

    /// <summary>Commits a streamed upload and returns the reference the envelope carries.</summary>
    public virtual async Task<BodyReference> CommitAsync(BlockBlobWriter upload, string source, string deliveryId, string? contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var length = upload.Length;
        await upload.CommitAsync(WriteOptions(source, deliveryId, contentType), cancellationToken).ConfigureAwait(false);
        return new BodyReference(upload.Blob.ContainerName, upload.Blob.Name, length);
    }

    /// <summary>Stores a body already in memory (one Put Blob) and returns its reference.</summary>
    public virtual async Task<BodyReference> UploadAsync(string source, string deliveryId, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(NewBlobName(source));
        await blob.UploadAsync(body, WriteOptions(source, deliveryId, contentType), cancellationToken).ConfigureAwait(false);
        return new BodyReference(blob.ContainerName, blob.Name, body.Length);
    }

    /// <summary>Opens a stored body for streaming (Get Blob); dispose the result.</summary>
    /// <exception cref="PayloadNotFoundException">The blob is gone (deleted, or removed by the lifecycle rule), or the reference names none.</exception>
    public virtual async Task<BlobDownloadStreamingResult> OpenReadAsync(BodyReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            return await BlobOf(reference).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException { Status: 404 } or ArgumentException)
        {
            // A reference naming no valid blob (a hand-made message) is as missing as a deleted one.
            throw new PayloadNotFoundException(reference, ex);
        }
    }

    /// <summary>
    /// Deletes a stored body; false when it was already gone. Call it when the delivery is done, or when a
    /// dead-letter record that references it is purged.
    /// </summary>
    public virtual Task<bool> DeleteAsync(BodyReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return BlobOf(reference).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    // The reference names its own container: a body stays readable after the setting changes.
    private BlobClient BlobOf(BodyReference reference) =>
        reference.Container == _container.Name
            ? _container.GetBlobClient(reference.Blob)
            : _service.GetBlobContainerClient(reference.Container).GetBlobClient(reference.Blob);

    private static string NewBlobName(string source) =>
        $"{Prefix}{source.ToLowerInvariant()}/{Guid.CreateVersion7():N}";

    private static BlobUploadOptions WriteOptions(string source, string deliveryId, string? contentType) => new()
    {
        ContentType = contentType,
        Metadata = new Dictionary<string, string>
        {
            ["source"] = source,
            ["deliveryid"] = deliveryId,
        },
    };
}
