using System.Buffers;
using Azure;

namespace Webhooks.Storage;

/// <summary>
/// Writes a block blob from data that arrives in pieces, holding at most one block in memory: full blocks are
/// staged (Put Block) as they fill, and <see cref="CommitAsync"/> makes them the blob (Put Block List). Content
/// that never filled a block is written with a single Put Blob instead. Nothing is visible until the commit.
/// </summary>
/// <remarks>Not thread-safe: one writer per upload. The block buffer is pooled and returned on dispose.</remarks>
public sealed class BlockBlobWriter : IAsyncDisposable
{
    private readonly BlobClient _blob;
    private readonly int _blockSize;
    private readonly List<string> _blockIds = [];
    private byte[]? _buffer;
    private int _buffered;
    private bool _finished;

    /// <summary>A writer for <paramref name="blob"/> with blocks of <paramref name="blockSize"/> bytes.</summary>
    public BlockBlobWriter(BlobClient blob, int blockSize = BlobUploadOptions.DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, BlobUploadOptions.MaxBlockSize);
        _blob = blob;
        _blockSize = blockSize;
    }

    /// <summary>The blob being written.</summary>
    public BlobClient Blob => _blob;

    /// <summary>Bytes written so far (staged plus buffered).</summary>
    public long Length { get; private set; }

    /// <summary>Blocks staged so far.</summary>
    public int StagedBlocks => _blockIds.Count;

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
    /// Makes what was written the blob's content, with <paramref name="options"/>' content type, metadata and
    /// conditions. One Put Blob when no block was staged, otherwise the last block then Put Block List.
    /// </summary>
    public async Task<BlobContentInfo> CommitAsync(BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        BlobContentInfo info;
        if (_blockIds.Count == 0)
        {
            info = await _blob.UploadAsync(_buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _buffered), options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_buffered > 0)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }

            info = await _blob.CommitBlockListAsync(_blockIds, options, cancellationToken).ConfigureAwait(false);
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
            var empty = await _blob.CommitBlockListAsync([], new BlobUploadOptions { Conditions = BlobRequestConditions.IfNotExists }, cancellationToken).ConfigureAwait(false);
            await _blob.DeleteIfExistsAsync(BlobRequestConditions.IfMatches(empty.ETag), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
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
        var id = BlobClient.BlockId(_blockIds.Count);
        await _blob.StageBlockAsync(id, _buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
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
