using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Webhooks.AzureStorage;

namespace Webhooks.Payloads;

/// <summary>
/// Writes a block blob from data that arrives in pieces (a request body being read), holding at most one block in
/// memory: full blocks are staged as they fill, and <see cref="CommitAsync"/> makes them the blob. Content that
/// never filled a block is written with a single Put Blob instead. Nothing is visible until the commit.
/// </summary>
/// <remarks>
/// The SDK's own <c>OpenWriteAsync</c> commits whatever was written when its stream is disposed; a body that turns
/// out invalid halfway must never become a blob, so staging and committing stay separate here. Not thread-safe:
/// one writer per upload. The block buffer is pooled and returned on dispose.
/// </remarks>
public sealed class BlockBlobWriter : IAsyncDisposable
{
    /// <summary>The default block size: 4 MiB.</summary>
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    private readonly BlockBlobClient _blob;
    private readonly int _blockSize;
    private readonly List<string> _blockIds = [];
    private byte[]? _buffer;
    private int _buffered;
    private bool _finished;

    /// <summary>A writer for <paramref name="blob"/> with blocks of <paramref name="blockSize"/> bytes.</summary>
    public BlockBlobWriter(BlockBlobClient blob, int blockSize = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, StorageNames.MaxBlockBytes);
        _blob = blob;
        _blockSize = blockSize;
    }

    /// <summary>The blob being written.</summary>
    public BlockBlobClient Blob => _blob;

    /// <summary>Bytes written so far (staged plus buffered).</summary>
    public long Length { get; private set; }

    /// <summary>Blocks staged so far.</summary>
    public int StagedBlocks => _blockIds.Count;

    /// <summary>The block id for the <paramref name="index"/>-th block: base64 of a fixed-length text, as the service requires.</summary>
    public static string BlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(index.ToString("D8", CultureInfo.InvariantCulture)));

    /// <summary>Appends <paramref name="data"/>, staging every block that fills.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!data.IsEmpty)
        {
            var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            var take = Math.Min(data.Length, _blockSize - _buffered);
            data.Span[..take].CopyTo(buffer.AsSpan(_buffered));
            _buffered += take;
            Length += take;
            data = data[take..];
            if (_buffered == _blockSize)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Appends everything <paramref name="source"/> holds, reading straight into the block buffer.</summary>
    public async Task WriteFromAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_finished, this);
        while (true)
        {
            var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            var read = await source.ReadAsync(buffer.AsMemory(_buffered, _blockSize - _buffered), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            _buffered += read;
            Length += read;
            if (_buffered == _blockSize)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Makes what was written the blob's content, with <paramref name="headers"/> (content type), metadata and
    /// conditions. One Put Blob when no block was staged, otherwise the last block then Put Block List.
    /// </summary>
    public async Task<BlobContentInfo> CommitAsync(BlobHttpHeaders? headers = null, IDictionary<string, string>? metadata = null, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        BlobContentInfo info;
        if (_blockIds.Count == 0)
        {
            using var content = new MemoryStream(_buffer ?? [], 0, _buffered, writable: false, publiclyVisible: true);
            var options = new BlobUploadOptions { HttpHeaders = headers, Metadata = metadata, Conditions = conditions };
            info = (await _blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false)).Value;
        }
        else
        {
            if (_buffered > 0)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }

            var options = new CommitBlockListOptions { HttpHeaders = headers, Metadata = metadata, Conditions = conditions };
            info = (await _blob.CommitBlockListAsync(_blockIds, options, cancellationToken).ConfigureAwait(false)).Value;
        }

        Finish();
        return info;
    }

    /// <summary>
    /// Gives up the upload. Staged blocks are dropped at once by committing an empty list to the (new, uniquely
    /// named) blob and deleting it; if that fails the service discards them after a week anyway. Never throws for
    /// storage failures.
    /// </summary>
    public async Task DiscardAsync(CancellationToken cancellationToken = default)
    {
        if (_finished)
        {
            return;
        }

        var staged = _blockIds.Count > 0;
        Finish();
        if (!staged)
        {
            return;
        }

        try
        {
            var empty = await _blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            await _blob.DeleteIfExistsAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = empty.Value.ETag }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            // The service garbage-collects uncommitted blocks after a week.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Finish();
        return ValueTask.CompletedTask;
    }

    private async Task StageBufferAsync(CancellationToken cancellationToken)
    {
        var id = BlockId(_blockIds.Count);
        using (var block = new MemoryStream(_buffer!, 0, _buffered, writable: false, publiclyVisible: true))
        {
            await _blob.StageBlockAsync(id, block, options: null, cancellationToken).ConfigureAwait(false);
        }

        _blockIds.Add(id);
        _buffered = 0;
    }

    private void Finish()
    {
        _finished = true;
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
