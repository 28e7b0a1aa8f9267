using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Moq;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Payloads;

namespace Webhooks.Core.Tests.Payloads;

/// <summary>A claim-check reference comes from a queue message, so only the store's own blobs are ever read or deleted.</summary>
public sealed class PayloadStoreTests
{
    private readonly Mock<BlobServiceClient> _service = new(MockBehavior.Strict);
    private readonly Mock<BlobContainerClient> _container = new(MockBehavior.Strict);
    private readonly PayloadStore _store;

    public PayloadStoreTests()
    {
        _container.SetupGet(c => c.Name).Returns("webhooks-payloads");
        _service.Setup(s => s.GetBlobContainerClient("webhooks-payloads")).Returns(_container.Object);
        _store = new PayloadStore(_service.Object, Options.Create(new WebhooksOptions()));
    }

    [Theory]
    [InlineData("azure-webjobs-secrets", "host.json")]
    [InlineData("webhooks-payloads", "dedup/shop/0123456789abcdef0123456789abcdef")]
    [InlineData("webhooks-payloads", "payloads/shop/../../azure-webjobs-secrets/host.json")]
    [InlineData("webhooks-payloads", "payloads/shop/0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("webhooks-payloads", "payloads/shop/b1")]
    public async Task ForeignReference_IsMissing_AndNothingIsReadOrDeleted(string container, string blob)
    {
        var reference = new BodyReference(container, blob, 10);

        var missing = await Assert.ThrowsAsync<PayloadNotFoundException>(() => _store.OpenReadAsync(reference));
        var deleted = await _store.DeleteAsync(reference);

        Assert.True(missing.Untrusted);
        Assert.False(deleted);
        Assert.False(_store.IsOwnReference(reference));
        // Strict mocks: any GetBlobClient or other container would have thrown.
        _container.Verify(c => c.GetBlobClient(It.IsAny<string>()), Times.Never);
        _service.Verify(s => s.GetBlobContainerClient(It.IsNotIn("webhooks-payloads")), Times.Never);
    }

    [Fact]
    public void OwnShape_IsTrusted()
    {
        Assert.True(_store.IsOwnReference(new BodyReference("webhooks-payloads", "payloads/shop/0192a1b2c3d4e5f60718293a4b5c6d7e", 10)));
        Assert.True(_store.IsOwnReference(new BodyReference("webhooks-payloads", "payloads/my_src-2/0192a1b2c3d4e5f60718293a4b5c6d7e", 10)));
    }
}
