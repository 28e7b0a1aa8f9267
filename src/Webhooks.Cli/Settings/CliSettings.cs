using System.CommandLine;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Webhooks.Configuration;
using Microsoft.Extensions.Options;
using Webhooks.DeadLetters;
using Webhooks.Payloads;
using Webhooks.Storage;

namespace Webhooks.Cli.Settings;

/// <summary>
/// The settings one command runs with: the configuration (settings file, then environment), the storage account
/// and the queue names, with the command line on top.
/// </summary>
internal sealed class CliSettings
{
    private readonly ParseResult _parseResult;
    private readonly GlobalOptions _options;
    private readonly CliContext _context;

    public CliSettings(ParseResult parseResult, GlobalOptions options, CliContext context)
    {
        _parseResult = parseResult;
        _options = options;
        _context = context;
        var builder = new ConfigurationBuilder();
        if (parseResult.GetValue(options.Config) is { } file)
        {
            builder.AddInMemoryCollection(SettingsFile.Read(file));
        }

        builder.AddInMemoryCollection(SettingsFile.FromEnvironment(context.Environment));
        Configuration = builder.Build();
        Json = parseResult.GetValue(options.Json);
    }

    /// <summary>The merged configuration.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>Whether progress bars and prompts may be shown.</summary>
    public bool Interactive => _context.Interactive && !Json;

    /// <summary>The <c>Webhooks</c> section bound to options (sources, queue names).</summary>
    public WebhooksOptions Webhooks
    {
        get
        {
            var options = new WebhooksOptions();
            try
            {
                Configuration.GetSection(WebhooksOptions.SectionName).Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                // A value of the wrong type (Webhooks__Queues__Count=abc): a usage error, not a crash.
                throw new CliUsageException($"The Webhooks settings are not usable: {ex.Message}", ex);
            }

            return options;
        }
    }

    /// <summary>Queue names: the command line, else configuration, else the defaults.</summary>
    public QueueNamesOptions QueueNames
    {
        get
        {
            var names = Webhooks.Queues;
            names.Deliveries = _parseResult.GetValue(_options.DeliveriesQueue) ?? names.Deliveries;
            names.DeadLetter = _parseResult.GetValue(_options.DeadLetterQueue) ?? names.DeadLetter;
            names.Count = _parseResult.GetValue(_options.QueueCount) ?? names.Count;
            return names;
        }
    }

    /// <summary>
    /// The storage client: <c>--connection-string</c>, else <c>--account</c> with Entra ID, else
    /// <c>AzureWebJobsStorage</c> (connection string or identity-based keys), else Azurite.
    /// </summary>
    public QueueServiceClient CreateQueueServiceClient()
    {
        var options = new QueueClientOptions { TimeProvider = _context.Time };
        try
        {
            if (_parseResult.GetValue(_options.ConnectionString) is { Length: > 0 } connectionString)
            {
                return QueueServiceClient.FromConnectionString(connectionString, options);
            }

            if (_parseResult.GetValue(_options.Account) is { Length: > 0 } account)
            {
                if (!Storage.QueueNames.IsValidAccountName(account))
                {
                    throw new CliUsageException($"'{account}' is not a storage account name (3-24 lowercase letters and digits).");
                }

                return new QueueServiceClient(new Uri($"https://{account}.queue.core.windows.net/"), StorageCredential.Token(new DefaultAzureCredential()), options);
            }

            var section = Configuration.GetSection(StorageServiceCollectionExtensions.StorageSettingName);
            return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any()
                ? QueueServiceClient.FromConfiguration(Configuration, StorageServiceCollectionExtensions.StorageSettingName, options)
                : QueueServiceClient.FromConnectionString(StorageServiceCollectionExtensions.DefaultConnectionString, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new CliUsageException($"The storage settings are not usable: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The dead-letter store over the configured queues (every delivery queue and its poison queue), with the
    /// claim-check payload store of the same account so purge removes stored bodies.
    /// </summary>
    public DeadLetterStore CreateStore()
    {
        var webhooks = Webhooks;
        var names = QueueNames;
        webhooks.Queues = names;
        if (names.Count is < 1 or > QueueNamesOptions.MaxCount)
        {
            throw new CliUsageException($"The delivery queue count must be 1 to {QueueNamesOptions.MaxCount} (--queue-count or Webhooks:Queues:Count); it is {names.Count}.");
        }

        foreach (var name in new[] { names.DeliveryQueueName(names.Count - 1), names.DeadLetter })
        {
            if (!Storage.QueueNames.IsValid(name))
            {
                throw new CliUsageException($"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens.");
            }
        }

        return DeadLetterStore.Create(CreateQueueServiceClient(), names, _context.Time, payloads: CreatePayloadStore(webhooks));
    }

    /// <summary>
    /// The claim-check payload store on the same account as the queues; null when the settings name no blob
    /// endpoint (a queue-only connection string): the commands still work, purge just leaves stored bodies alone.
    /// </summary>
    private PayloadStore? CreatePayloadStore(WebhooksOptions webhooks)
    {
        var options = new BlobClientOptions { TimeProvider = _context.Time };
        try
        {
            BlobServiceClient blobs;
            if (_parseResult.GetValue(_options.ConnectionString) is { Length: > 0 } connectionString)
            {
                blobs = BlobServiceClient.FromConnectionString(connectionString, options);
            }
            else if (_parseResult.GetValue(_options.Account) is { Length: > 0 } account)
            {
                blobs = new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net/"), StorageCredential.Token(new DefaultAzureCredential()), options);
            }
            else
            {
                var section = Configuration.GetSection(StorageServiceCollectionExtensions.StorageSettingName);
                blobs = !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any()
                    ? BlobServiceClient.FromConfiguration(Configuration, StorageServiceCollectionExtensions.StorageSettingName, options)
                    : BlobServiceClient.FromConnectionString(StorageServiceCollectionExtensions.DefaultConnectionString, options);
            }

            return new PayloadStore(blobs, Options.Create(webhooks));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
