using System.CommandLine;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
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
            Configuration.GetSection(WebhooksOptions.SectionName).Bind(options);
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

    /// <summary>The dead-letter store over the configured queues.</summary>
    public DeadLetterStore CreateStore()
    {
        var names = QueueNames;
        foreach (var name in new[] { names.Deliveries, names.DeadLetter })
        {
            if (!Storage.QueueNames.IsValid(name))
            {
                throw new CliUsageException($"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens.");
            }
        }

        return DeadLetterStore.Create(CreateQueueServiceClient(), names, _context.Time);
    }
}
