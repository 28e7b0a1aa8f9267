using Microsoft.Extensions.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// The account-level entry point: builds <see cref="QueueClient"/>s that share one credential and one HTTP pipeline.
/// Create it from a connection string (<c>UseDevelopmentStorage=true</c>, account key, or SAS) or from a service URI
/// plus a <see cref="StorageCredential"/> (Entra ID via Azure.Identity in Azure).
/// </summary>
public class QueueServiceClient
{
    private readonly StoragePipeline _pipeline;

    /// <summary>
    /// A client for the queue service at <paramref name="serviceUri"/> (<c>https://acct.queue.core.windows.net/</c>,
    /// or path-style <c>http://127.0.0.1:10001/devstoreaccount1</c> for Azurite).
    /// </summary>
    public QueueServiceClient(Uri serviceUri, StorageCredential credential, QueueClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        if (!serviceUri.IsAbsoluteUri || (serviceUri.Scheme != Uri.UriSchemeHttp && serviceUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The queue service URI must be an absolute http(s) URI.", nameof(serviceUri));
        }

        // Keep a path-style account segment, drop any query (a SAS belongs in the credential).
        var path = serviceUri.AbsolutePath.TrimEnd('/');
        Uri = new Uri(serviceUri.GetLeftPart(UriPartial.Authority) + (path.Length == 0 ? "/" : path));
        _pipeline = new StoragePipeline(credential, options);
    }

    /// <summary>For mocking.</summary>
    protected QueueServiceClient()
    {
        Uri = new Uri("http://localhost/");
        _pipeline = null!;
    }

    /// <summary>
    /// Builds a client from a connection string: <c>UseDevelopmentStorage=true</c> (Azurite's well-known account),
    /// <c>AccountName=…;AccountKey=…</c> with optional <c>QueueEndpoint</c>/<c>DefaultEndpointsProtocol</c>/<c>EndpointSuffix</c>,
    /// or <c>QueueEndpoint=…;SharedAccessSignature=…</c>.
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed or has no queue endpoint.</exception>
    public static QueueServiceClient FromConnectionString(string connectionString, QueueClientOptions? options = null)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        var endpoint = parsed.QueueEndpoint ?? throw new FormatException("The storage connection string has no queue endpoint (set AccountName or QueueEndpoint).");
        return new QueueServiceClient(endpoint, parsed.CreateCredential(), options);
    }

    /// <summary>
    /// Builds a client from the Functions-style setting <paramref name="settingName"/>: either a connection string
    /// value, or identity-based settings under it (<c>__queueServiceUri</c> or <c>__accountName</c>, with optional
    /// <c>__credential=managedidentity</c> and <c>__clientId</c>), authorized through Azure.Identity.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is missing or unusable; the message names the setting.</exception>
    public static QueueServiceClient FromConfiguration(IConfiguration configuration, string settingName = "AzureWebJobsStorage", QueueClientOptions? options = null) =>
        StorageSettings.CreateClient(configuration, settingName, options);

    /// <summary>The queue service endpoint, e.g. <c>https://acct.queue.core.windows.net/</c>.</summary>
    public virtual Uri Uri { get; }

    /// <summary>A client for the named queue; no network call is made.</summary>
    /// <exception cref="ArgumentException"><paramref name="queueName"/> breaks the service's naming rules.</exception>
    public virtual QueueClient GetQueueClient(string queueName)
    {
        QueueNames.Validate(queueName, nameof(queueName));
        return new QueueClient(new Uri(Uri.AbsoluteUri.TrimEnd('/') + "/" + queueName), _pipeline);
    }

    /// <summary>Names of the queues in the account that start with <paramref name="prefix"/> (List Queues, all pages).</summary>
    public virtual Task<IReadOnlyList<string>> ListQueuesAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        ListQueuesAsync(prefix, pageSize: null, cancellationToken);

    /// <summary>List Queues with a page size (<c>maxresults</c>), so tests can exercise the marker paging.</summary>
    internal Task<IReadOnlyList<string>> ListQueuesAsync(string? prefix, int? pageSize, CancellationToken cancellationToken) =>
        StorageListing.ReadAllNamesAsync(
            _pipeline,
            () => new StorageRequest(HttpMethod.Get, Uri).WithQuery("comp", "list"),
            prefix,
            pageSize,
            QueueXml.ReadQueueList,
            cancellationToken);
}
