using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Webhooks.Configuration;

namespace Webhooks.AzureStorage;

/// <summary>
/// The app's Azure SDK service clients (queues, blobs, tables), built from the resolved <see cref="StorageConnection"/>: queue
/// messages base64-encoded (what the Functions trigger, Storage Explorer and the other languages' SDKs read), and
/// retries and network timeouts fitted into <see cref="IntakeOptions.QueueWriteTimeout"/> so that no storage call
/// outlasts intake's budget.
/// </summary>
public sealed class WebhookStorage
{
    /// <summary>Builds both clients; nothing is contacted.</summary>
    /// <exception cref="StorageSettingException">The connection setting is not usable; the message names it.</exception>
    public WebhookStorage(StorageConnection connection, WebhooksOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var undecodable = new UndecodableMessages(options.Queues, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance);
        var queueOptions = QueueOptions(options.Intake.QueueWriteTimeout);
        undecodable.Attach(queueOptions);
        Queues = connection.CreateQueueServiceClient(queueOptions);
        undecodable.Service = Queues;
        Blobs = connection.CreateBlobServiceClient(BlobOptions(options.Intake.QueueWriteTimeout));
        // Built on first use, so a host whose identity settings name no table endpoint still starts (and fails
        // only when it touches dead letters, with the setting named).
        // Dead-letter work is never on intake's clock: a wider budget than QueueWriteTimeout, so a loaded account
        // slows a dead-letter write or an operator's page instead of failing it.
        _tables = new Lazy<TableServiceClient>(() => connection.CreateTableServiceClient(TableOptions(TableBudget)));
    }

    private static readonly TimeSpan TableBudget = TimeSpan.FromSeconds(60);

    private readonly Lazy<TableServiceClient> _tables;

    /// <summary>The table service (the dead-letter index).</summary>
    /// <exception cref="StorageSettingException">The setting names no usable table endpoint.</exception>
    public TableServiceClient Tables => _tables.Value;

    /// <summary>Table client options: retries within <paramref name="budget"/>.</summary>
    public static TableClientOptions TableOptions(TimeSpan budget)
    {
        var options = new TableClientOptions();
        StorageRetryBudget.Apply(options.Retry, budget);
        return options;
    }

    /// <summary>The queue service.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>The blob service (claim-check bodies and duplicate-detection records).</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>Queue client options: base64 messages, retries within <paramref name="budget"/>, tries counted for <see cref="UnansweredWrites"/>.</summary>
    public static QueueClientOptions QueueOptions(TimeSpan budget)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        StorageRetryBudget.Apply(options.Retry, budget);
        options.AddPolicy(UnansweredWrites.Instance, Azure.Core.HttpPipelinePosition.PerRetry); // replay's count of possible duplicates
        return options;
    }

    /// <summary>Blob client options: retries within <paramref name="budget"/>.</summary>
    public static BlobClientOptions BlobOptions(TimeSpan budget)
    {
        var options = new BlobClientOptions();
        StorageRetryBudget.Apply(options.Retry, budget);
        return options;
    }
}
