using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Webhooks.Configuration;
using Microsoft.Extensions.Options;
using Webhooks.DeadLetters;
using Webhooks.Payloads;
using Webhooks.AzureStorage;

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
    /// The storage account, resolved exactly as the app resolves it (<see cref="StorageConnection"/>), from
    /// <c>AzureWebJobsStorage</c> with the command line on top: <c>--connection-string</c> is its value,
    /// <c>--account</c> its identity-based <c>__accountName</c> (Entra ID through DefaultAzureCredential); absent, Azurite.
    /// </summary>
    public WebhookStorage CreateStorage()
    {
        var storage = new Dictionary<string, string?>();
        if (_parseResult.GetValue(_options.ConnectionString) is { Length: > 0 } connectionString)
        {
            storage[StorageConnection.SettingName] = connectionString;
        }
        else if (_parseResult.GetValue(_options.Account) is { Length: > 0 } account)
        {
            if (!StorageNames.IsValidAccountName(account))
            {
                throw new CliUsageException($"'{account}' is not a storage account name (3-24 lowercase letters and digits).");
            }

            storage[StorageConnection.SettingName + ":accountName"] = account;
        }

        // The command line replaces the setting rather than merging with its keys.
        var configuration = storage.Count == 0
            ? Configuration
            : new ConfigurationBuilder().AddInMemoryCollection(storage).Build();
        try
        {
            var connection = StorageConnection.Resolve(configuration, StorageConnection.StandaloneFactory());
            return new WebhookStorage(connection, Webhooks, _context.Time);
        }
        catch (StorageSettingException ex)
        {
            throw new CliUsageException($"The storage settings are not usable: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The dead-letter store over the index table and the configured queues (every delivery queue and its poison queue), with the
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
            if (!StorageNames.IsValidQueueName(name))
            {
                throw new CliUsageException($"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens.");
            }
        }

        var storage = CreateStorage();
        return DeadLetterStore.Create(storage.Queues, storage.Tables, names, _context.Time, StoreOptions(), new PayloadStore(storage.Blobs, Options.Create(webhooks)));
    }

    // Webhooks:DeadLetters, as the hosts read it (replay concurrency, import interval, scan limits), checked by the same validator.
    private DeadLetterStoreOptions StoreOptions()
    {
        var options = Configuration.GetSection(DeadLetterStoreOptions.SectionName).Get<DeadLetterStoreOptions>() ?? new DeadLetterStoreOptions();
        var result = new SectionAnnotationsValidator<DeadLetterStoreOptions>(DeadLetterStoreOptions.SectionName).Validate(null, options);
        return result.Failed ? throw new CliUsageException(string.Join(" ", result.Failures)) : options;
    }
}
