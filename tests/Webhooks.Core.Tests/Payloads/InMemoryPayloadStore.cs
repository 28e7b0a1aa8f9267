using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Moq;
using Webhooks.Envelopes;
using Webhooks.Payloads;

namespace Webhooks.Core.Tests.Payloads;

/// <summary>
/// A payload store in memory: blobs that record their staged blocks and commits, completing synchronously (so a
/// test can measure allocations on one thread). With <see cref="KeepBytes"/> false a blob keeps only a hash.
/// </summary>
internal sealed class InMemoryPayloadStore : PayloadStore
{
    private int _count;

    public bool KeepBytes { get; init; } = true;

    /// <summary>When set, staging a block fails with it (storage down).</summary>
    public Exception? StagingFailure { get; set; }

    public List<InMemoryBlob> Blobs { get; } = [];

    /// <summary>How many times a body was opened for reading.</summary>
    public int Reads { get; private set; }

    public override Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override BlockBlobWriter StartUpload(string source, int blockSize = BlockBlobWriter.DefaultBlockSize) =>
        new(NewBlob(source), blockSize);

    public override async Task<BodyReference> UploadAsync(string source, string deliveryId, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken = default)
    {
        var blob = NewBlob(source);
        await blob.UploadAsync(new MemoryStream(body.ToArray()), new BlobUploadOptions(), cancellationToken);
        return new BodyReference(blob.BlobContainerName, blob.Name, body.Length);
    }

    public override Task<PayloadDownload> OpenReadAsync(BodyReference reference, CancellationToken cancellationToken = default)
    {
        Reads++;
        var blob = Blobs.FirstOrDefault(b => b.Name == reference.Blob && b.Committed) ?? throw new PayloadNotFoundException(reference);
        return Task.FromResult(new PayloadDownload(new MemoryStream(blob.Content, writable: false), blob.Content.Length));
    }

    public override Task<bool> DeleteAsync(BodyReference reference, CancellationToken cancellationToken = default) =>
        Task.FromResult(Blobs.RemoveAll(b => b.Name == reference.Blob) > 0);

    public override bool IsOwnReference(BodyReference reference) => Blobs.Any(b => b.Name == reference.Blob);

    private InMemoryBlob NewBlob(string source)
    {
        var blob = new InMemoryBlob($"payloads/{source}/{++_count}", KeepBytes, this);
        Blobs.Add(blob);
        return blob;
    }

    internal sealed class InMemoryBlob(string name, bool keepBytes, InMemoryPayloadStore store) : BlockBlobClient
    {
        private readonly Dictionary<string, byte[]> _staged = [];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override string Name => name;

        public override string BlobContainerName => "webhooks-payloads";

        public int StagedBlocks { get; private set; }

        public bool Committed { get; private set; }

        public bool Discarded { get; private set; }

        public int PutBlobCalls { get; private set; }

        public long Length { get; private set; }

        public byte[] Content { get; private set; } = [];

        public byte[] Sha256 { get; private set; } = [];

        public override Task<Response<BlockInfo>> StageBlockAsync(string base64BlockId, Stream content, BlockBlobStageBlockOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (store.StagingFailure is { } failure)
            {
                return Task.FromException<Response<BlockInfo>>(failure);
            }

            // The writer's pooled block, read in place: a copy only when the bytes are kept.
            var block = ((MemoryStream)content).TryGetBuffer(out var segment) ? segment : new ArraySegment<byte>(((MemoryStream)content).ToArray());
            StagedBlocks++;
            Length += block.Count;
            _hash.AppendData(block);
            if (keepBytes)
            {
                _staged[base64BlockId] = block.ToArray();
            }

            return Task.FromResult(Response.FromValue<BlockInfo>(null!, Mock.Of<Response>()));
        }

        public override Task<Response<BlobContentInfo>> CommitBlockListAsync(IEnumerable<string> base64BlockIds, CommitBlockListOptions options, CancellationToken cancellationToken = default)
        {
            var ids = base64BlockIds.ToList();
            if (ids.Count == 0)
            {
                Discarded = true;
                return Info("\"empty\"");
            }

            Committed = true;
            Sha256 = _hash.GetHashAndReset();
            if (keepBytes)
            {
                Content = [.. ids.SelectMany(id => _staged[id])];
            }

            return Info("\"committed\"");
        }

        public override Task<Response<BlobContentInfo>> UploadAsync(Stream content, BlobUploadOptions options, CancellationToken cancellationToken = default)
        {
            var bytes = ((MemoryStream)content).ToArray();
            PutBlobCalls++;
            Committed = true;
            Length = bytes.Length;
            Sha256 = SHA256.HashData(bytes);
            Content = keepBytes ? bytes : [];
            return Info("\"put\"");
        }

        public override Task<Response<bool>> DeleteIfExistsAsync(DeleteSnapshotsOption snapshotsOption = DeleteSnapshotsOption.None, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Response.FromValue(true, Mock.Of<Response>()));

        private static Task<Response<BlobContentInfo>> Info(string etag) =>
            Task.FromResult(Response.FromValue(BlobsModelFactory.BlobContentInfo(new ETag(etag), DateTimeOffset.UnixEpoch, null, null, null, null, 0), Mock.Of<Response>()));
    }
}
