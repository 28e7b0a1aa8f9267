using System.Security.Cryptography;
using System.Text;
using Azure;
using Webhooks.Storage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Storage;

/// <summary>The blob client against a real Azurite: every operation, as the service answers it.</summary>
public sealed class BlobClientTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly BlobContainerClient _container = azurite.CreateBlobServiceClient().GetBlobContainerClient(UniqueNames.Queue("blobs"));

    public Task InitializeAsync() => _container.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _container.DeleteIfExistsAsync();

    [Fact]
    public async Task CreateContainer_Twice_IsIdempotent_AndDeleteTwiceToo()
    {
        var container = azurite.CreateBlobServiceClient().GetBlobContainerClient(UniqueNames.Queue("twice"));

        await container.CreateIfNotExistsAsync();
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("a").UploadAsync("x"u8.ToArray());
        var names = await container.GetBlobNamesAsync();
        await container.DeleteIfExistsAsync();
        await container.DeleteIfExistsAsync();

        Assert.Equal(["a"], names);
    }

    [Fact]
    public async Task PutBlob_ThenDownload_RoundTripsEveryByte_WithPropertiesAndMetadata()
    {
        var blob = _container.GetBlobClient("dir/sub dir/é.bin");
        var content = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).ToArray();

        var written = await blob.UploadAsync(content, new BlobUploadOptions
        {
            ContentType = "application/octet-stream",
            Metadata = new Dictionary<string, string> { ["source"] = "shop", ["deliveryid"] = "msg_1" },
        });
        var download = await blob.DownloadContentAsync();
        var properties = await blob.GetPropertiesAsync();

        Assert.Equal(content, download.Content.ToArray());
        Assert.Equal(written.ETag, properties.ETag);
        Assert.Equal(4096, properties.ContentLength);
        Assert.Equal("application/octet-stream", properties.ContentType);
        Assert.Equal("shop", properties.Metadata["source"]);
        Assert.Equal("msg_1", properties.Metadata["DeliveryId"]);
        Assert.NotNull(properties.LastModified);
    }

    [Fact]
    public async Task PutBlob_IfNoneMatchStar_OnAnExistingBlob_Is409BlobAlreadyExists_AndKeepsTheFirst()
    {
        var blob = _container.GetBlobClient("once");
        await blob.UploadAsync("first"u8.ToArray(), new BlobUploadOptions { Conditions = BlobRequestConditions.IfNotExists });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.UploadAsync("second"u8.ToArray(), new BlobUploadOptions { Conditions = BlobRequestConditions.IfNotExists }));

        Assert.Equal(409, error.Status);
        Assert.Equal("BlobAlreadyExists", error.ErrorCode);
        Assert.Equal("first", (await blob.DownloadContentAsync()).Content.ToString());
    }

    [Fact]
    public async Task Writes_WithAStaleETag_Are412ConditionNotMet()
    {
        var blob = _container.GetBlobClient("etag");
        var first = await blob.UploadAsync("v1"u8.ToArray());
        await blob.UploadAsync("v2"u8.ToArray());

        var put = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.UploadAsync("v3"u8.ToArray(), new BlobUploadOptions { Conditions = BlobRequestConditions.IfMatches(first.ETag) }));
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DeleteIfExistsAsync(BlobRequestConditions.IfMatches(first.ETag)));

        Assert.Equal(412, put.Status);
        Assert.Equal(412, delete.Status);
        Assert.Equal("v2", (await blob.DownloadContentAsync()).Content.ToString());
    }

    [Fact]
    public async Task StreamedUpload_LargerThanABlock_IsStagedInBlocks_AndStreamsBackByteForByte()
    {
        var blob = _container.GetBlobClient("large");
        var content = RandomNumberGenerator.GetBytes(9 * 1024 * 1024 + 123);

        await blob.UploadAsync(new MemoryStream(content), new BlobUploadOptions { BlockSize = 4 * 1024 * 1024, ContentType = "application/json" });
        await using var download = await blob.DownloadStreamingAsync();
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy);

        Assert.Equal(content.Length, download.Details.ContentLength);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(copy.ToArray()));
        Assert.Equal("application/json", download.Details.ContentType);
    }

    [Fact]
    public async Task BlockWriter_Discarded_LeavesNoBlob_AndCommittedOnceLeavesExactlyTheBytes()
    {
        var discarded = _container.GetBlobClient("discarded");
        var kept = _container.GetBlobClient("kept");
        var bytes = RandomNumberGenerator.GetBytes(200_000);

        await using (var writer = new BlockBlobWriter(discarded, 64 * 1024))
        {
            await writer.WriteAsync(bytes);
            await writer.DiscardAsync();
        }

        await using (var writer = new BlockBlobWriter(kept, 64 * 1024))
        {
            await writer.WriteAsync(bytes.AsMemory(0, 100_000));
            await writer.WriteAsync(bytes.AsMemory(100_000));
            Assert.Equal(3, writer.StagedBlocks);
            await writer.CommitAsync();
        }

        Assert.Equal(["kept"], await _container.GetBlobNamesAsync());
        Assert.Equal(bytes, (await kept.DownloadContentAsync()).Content.ToArray());
    }

    [Fact]
    public async Task SetMetadata_ReplacesIt_AndDeleteIfExists_SaysWhetherThereWasABlob()
    {
        var blob = _container.GetBlobClient("meta");
        await blob.UploadAsync("x"u8.ToArray(), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } });

        await blob.SetMetadataAsync(new Dictionary<string, string> { ["b"] = "2" });
        var metadata = (await blob.GetPropertiesAsync()).Metadata;
        var deleted = await blob.DeleteIfExistsAsync();
        var again = await blob.DeleteIfExistsAsync();

        Assert.Equal(["b"], metadata.Keys);
        Assert.True(deleted);
        Assert.False(again);
    }

    [Fact]
    public async Task MissingBlob_Is404BlobNotFound_ForReadsAndProperties()
    {
        var blob = _container.GetBlobClient("missing");

        var properties = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());
        var read = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadStreamingAsync());

        Assert.Equal(404, properties.Status);
        Assert.Equal("BlobNotFound", properties.ErrorCode);
        Assert.Equal(404, read.Status);
        Assert.Equal("BlobNotFound", read.ErrorCode);
    }

    [Fact]
    public async Task ListBlobNames_FollowsPagesAndPrefixes()
    {
        foreach (var name in new[] { "p/a", "p/b", "p/c", "q/a" })
        {
            await _container.GetBlobClient(name).UploadAsync(Encoding.UTF8.GetBytes(name));
        }

        var paged = await _container.GetBlobNamesAsync("p/", pageSize: 2, CancellationToken.None);

        Assert.Equal(["p/a", "p/b", "p/c"], paged);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends-with/")]
    [InlineData("ends-with.")]
    [InlineData("a//b")]
    public void UnusableBlobNames_AreRefusedBeforeAnyCall(string name)
    {
        Assert.Throws<ArgumentException>(() => _container.GetBlobClient(name));
    }

    [Fact]
    public async Task Metadata_ThatHttpCannotCarry_IsRefusedBeforeAnyCall()
    {
        var blob = _container.GetBlobClient("bad-meta");

        await Assert.ThrowsAsync<ArgumentException>(() => blob.SetMetadataAsync(new Dictionary<string, string> { ["bad name"] = "x" }));
        await Assert.ThrowsAsync<ArgumentException>(() => blob.SetMetadataAsync(new Dictionary<string, string> { ["ok"] = "line\nbreak" }));
    }
}
