using System.Xml;
using Azure;

namespace Webhooks.Storage;

/// <summary>
/// A client for one blob container (Create Container, Delete Container, List Blobs) and the entry point to its
/// blobs. A small sibling of Azure.Storage.Blobs' <c>BlobContainerClient</c>.
/// </summary>
public class BlobContainerClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobContainerClient(Uri containerUri, StoragePipeline pipeline)
    {
        var path = containerUri.AbsolutePath.TrimEnd('/');
        Name = path[(path.LastIndexOf('/') + 1)..];
        BlobNames.ValidateContainerName(Name, nameof(containerUri));
        Uri = new Uri(containerUri.GetLeftPart(UriPartial.Authority) + path);
        _pipeline = pipeline;
    }

    /// <summary>For mocking.</summary>
    protected BlobContainerClient()
    {
        Name = string.Empty;
        Uri = new Uri("http://localhost/");
        _pipeline = null!;
    }

    /// <summary>The container's name.</summary>
    public virtual string Name { get; }

    /// <summary>The container's URI, without credentials.</summary>
    public virtual Uri Uri { get; }

    /// <summary>A client for the named blob; no network call is made.</summary>
    /// <exception cref="ArgumentException"><paramref name="blobName"/> is not a usable blob name.</exception>
    public virtual BlobClient GetBlobClient(string blobName) => new(Uri, Name, blobName, _pipeline);

    /// <summary>Creates the container if it does not exist (Create Container; private, no public access).</summary>
    public virtual async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _pipeline.SendAsync(new StorageRequest(HttpMethod.Put, Uri).WithQuery("restype", "container"), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == "ContainerAlreadyExists")
        {
        }
    }

    /// <summary>Deletes the container and every blob in it, if it exists (Delete Container).</summary>
    public virtual async Task DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _pipeline.SendAsync(new StorageRequest(HttpMethod.Delete, Uri).WithQuery("restype", "container"), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Names of the committed blobs whose name starts with <paramref name="prefix"/> (List Blobs, all pages).</summary>
    public virtual Task<IReadOnlyList<string>> GetBlobNamesAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        GetBlobNamesAsync(prefix, pageSize: null, cancellationToken);

    /// <summary>List Blobs with a page size (<c>maxresults</c>), so tests can exercise the marker paging.</summary>
    internal Task<IReadOnlyList<string>> GetBlobNamesAsync(string? prefix, int? pageSize, CancellationToken cancellationToken) =>
        StorageListing.ReadAllNamesAsync(
            _pipeline,
            () => new StorageRequest(HttpMethod.Get, Uri).WithQuery("restype", "container").WithQuery("comp", "list"),
            prefix,
            pageSize,
            ReadBlobList,
            cancellationToken);

    private static (IReadOnlyList<string> Names, string? NextMarker) ReadBlobList(StorageResponse response)
    {
        try
        {
            var root = QueueXml.Load(response.Content).Root;
            var names = root?.Element("Blobs")?.Elements("Blob")
                .Select(b => b.Element("Name")?.Value)
                .OfType<string>()
                .ToList() ?? [];
            var marker = root?.Element("NextMarker")?.Value;
            return (names, string.IsNullOrEmpty(marker) ? null : marker);
        }
        catch (XmlException ex)
        {
            throw StorageErrors.UnreadableResponse(response.Status, ex);
        }
    }
}
