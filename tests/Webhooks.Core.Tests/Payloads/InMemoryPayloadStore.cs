using System.Security.Cryptography;
using Azure;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Webhooks.Storage;

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
    public RequestFailedException? StagingFailure { get; set; }

    public List<InMemoryBlob> Blobs { get; } = [];

    public override Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override BlockBlobWriter StartUpload(string source, int blockSize = BlobUploadOptions.DefaultBlockSize) =>
        new(NewBlob(source), blockSize);

    public override async Task<BodyReference> UploadAsync(string source, string deliveryId, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken = default)
    {
        var blob = NewBlob(source);
        await blob.UploadAsync(body, cancellationToken: cancellationToken);
        return new BodyReference(blob.ContainerName, blob.Name, body.Length);
    }

    public override Task<bool> DeleteAsync(BodyReference reference, CancellationToken cancellationToken = default) =>
        Task.FromResult(Blobs.RemoveAll(b => b.Name == reference.Blob) > 0);

    private InMemoryBlob NewBlob(string source)
    {
        var blob = new InMemoryBlob($"payloads/{source}/{++_count}", KeepBytes, this);
        Blobs.Add(blob);
        return blob;
    }

    internal sealed class InMemoryBlob(string name, bool keepBytes, InMemoryPayloadStore store) : BlobClient
    {
        private readonly Dictionary<string, byte[]> _staged = [];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override string Name => name;

        public override string ContainerName => "webhooks-payloads";

        public int StagedBlocks { get; private set; }

        public bool Committed { get; private set; }

        public bool Discarded { get; private set; }

        public int PutBlobCalls { get; private set; }

        public long Length { get; private set; }

        public byte[] Content { get; private set; } = [];

        public byte[] Sha256 { get; private set; } = [];

        public override Task StageBlockAsync(string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
        {
            if (store.StagingFailure is { } failure)
            {
                return Task.FromException(failure);
            }

            StagedBlocks++;
            Length += content.Length;
            _hash.AppendData(content.Span);
            if (keepBytes)
            {
                _staged[blockId] = content.ToArray();
            }

            return Task.CompletedTask;
        }

        public override Task<BlobContentInfo> CommitBlockListAsync(IEnumerable<string> blockIds, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
        {
            var ids = blockIds.ToList();
            if (ids.Count == 0)
            {
                Discarded = true;
                return Task.FromResult(new BlobContentInfo("\"empty\"", null));
            }

            Committed = true;
            Sha256 = _hash.GetHashAndReset();
            if (keepBytes)
            {
                Content = [.. ids.SelectMany(id => _staged[id])];
            }

            return Task.FromResult(new BlobContentInfo("\"committed\"", null));
        }

        public override Task<BlobContentInfo> UploadAsync(ReadOnlyMemory<byte> content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
        {
            PutBlobCalls++;
            Committed = true;
            Length = content.Length;
            Sha256 = SHA256.HashData(content.Span);
            Content = keepBytes ? content.ToArray() : [];
            return Task.FromResult(new BlobContentInfo("\"put\"", null));
        }

        public override Task<bool> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(true);
    }
}
