namespace Webhooks.Storage;

/// <summary>
/// The account-level entry point: builds <see cref="QueueClient"/>s that share one credential and one HTTP pipeline.
/// Create it from a connection string (<c>UseDevelopmentStorage=true</c>, account key, or SAS) or from a service URI
/// plus a <see cref="StorageCredential"/> (Entra ID via Azure.Identity in Azure).
/// </summary>
public class QueueServiceClient
{
    /// <summary>For mocking.</summary>
    protected QueueServiceClient()
    {
        Uri = new Uri("http://localhost/");
    }

    /// <summary>
    /// Builds a client from a connection string: <c>UseDevelopmentStorage=true</c> (Azurite's well-known account),
    /// <c>AccountName=…;AccountKey=…</c> with optional <c>QueueEndpoint</c>/<c>DefaultEndpointsProtocol</c>/<c>EndpointSuffix</c>,
    /// or <c>QueueEndpoint=…;SharedAccessSignature=…</c>.
    /// </summary>
    public static QueueServiceClient FromConnectionString(string connectionString, QueueClientOptions? options = null) => throw new NotImplementedException();

    /// <summary>
    /// Builds a client from the Functions-style setting <paramref name="settingName"/>: either a connection string
    /// value, or identity-based settings under it (<c>__queueServiceUri</c> or <c>__accountName</c>, with optional
    /// <c>__credential=managedidentity</c> and <c>__clientId</c>), authorized through Azure.Identity.
    /// </summary>
    public static QueueServiceClient FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration, string settingName = "AzureWebJobsStorage", QueueClientOptions? options = null) => throw new NotImplementedException();

    /// <summary>The queue service endpoint, e.g. <c>https://acct.queue.core.windows.net/</c>.</summary>
    public virtual Uri Uri { get; }

    /// <summary>A client for the named queue; no network call is made.</summary>
    public virtual QueueClient GetQueueClient(string queueName) => throw new NotImplementedException();

    /// <summary>Names of the queues in the account that start with <paramref name="prefix"/> (List Queues, all pages).</summary>
    public virtual Task<IReadOnlyList<string>> ListQueuesAsync(string? prefix = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
