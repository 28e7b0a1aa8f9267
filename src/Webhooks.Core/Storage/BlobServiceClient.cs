using Microsoft.Extensions.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// The account-level entry point for blobs: builds <see cref="BlobContainerClient"/>s that share one credential and
/// one HTTP pipeline. Create it from a connection string (<c>UseDevelopmentStorage=true</c> → Azurite on port
/// 10000, account key, <c>BlobEndpoint</c> + SAS) or from a service URI plus a <see cref="StorageCredential"/>.
/// </summary>
public class BlobServiceClient
{
    private readonly StoragePipeline _pipeline;

    /// <summary>
    /// A client for the blob service at <paramref name="serviceUri"/> (<c>https://acct.blob.core.windows.net/</c>,
    /// or path-style <c>http://127.0.0.1:10000/devstoreaccount1</c> for Azurite).
    /// </summary>
    public BlobServiceClient(Uri serviceUri, StorageCredential credential, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        if (!serviceUri.IsAbsoluteUri || (serviceUri.Scheme != Uri.UriSchemeHttp && serviceUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The blob service URI must be an absolute http(s) URI.", nameof(serviceUri));
        }

        var path = serviceUri.AbsolutePath.TrimEnd('/');
        Uri = new Uri(serviceUri.GetLeftPart(UriPartial.Authority) + (path.Length == 0 ? "/" : path));
        _pipeline = StoragePipeline.Create(credential, StoragePipelineSettings.From(options ?? new BlobClientOptions()));
    }

    /// <summary>For mocking.</summary>
    protected BlobServiceClient()
    {
        Uri = new Uri("http://localhost/");
        _pipeline = null!;
    }

    /// <summary>
    /// Builds a client from a connection string: <c>UseDevelopmentStorage=true</c>, <c>AccountName=…;AccountKey=…</c>
    /// with optional <c>BlobEndpoint</c>/<c>DefaultEndpointsProtocol</c>/<c>EndpointSuffix</c>, or
    /// <c>BlobEndpoint=…;SharedAccessSignature=…</c>.
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed or has no blob endpoint.</exception>
    public static BlobServiceClient FromConnectionString(string connectionString, BlobClientOptions? options = null)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        var endpoint = parsed.BlobEndpoint ?? throw new FormatException("The storage connection string has no blob endpoint (set AccountName or BlobEndpoint).");
        return new BlobServiceClient(endpoint, parsed.CreateCredential(), options);
    }

    /// <summary>
    /// Builds a client from the Functions-style setting <paramref name="settingName"/>: a connection string value,
    /// or identity-based settings under it (<c>__blobServiceUri</c> or <c>__accountName</c>, with optional
    /// <c>__credential=managedidentity</c> and <c>__clientId</c>), authorized through Azure.Identity.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is missing or unusable; the message names the setting.</exception>
    public static BlobServiceClient FromConfiguration(IConfiguration configuration, string settingName = "AzureWebJobsStorage", BlobClientOptions? options = null) =>
        StorageSettings.CreateBlobClient(configuration, settingName, options);

    /// <summary>The blob service endpoint.</summary>
    public virtual Uri Uri { get; }

    /// <summary>A client for the named container; no network call is made.</summary>
    /// <exception cref="ArgumentException"><paramref name="containerName"/> breaks the service's naming rules.</exception>
    public virtual BlobContainerClient GetBlobContainerClient(string containerName)
    {
        BlobNames.ValidateContainerName(containerName, nameof(containerName));
        return new BlobContainerClient(new Uri(Uri.AbsoluteUri.TrimEnd('/') + "/" + containerName), _pipeline);
    }
}
