using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace Webhooks.AzureStorage;

/// <summary>
/// Where the storage account is and how to sign in, resolved from one Functions-style setting exactly as the
/// Functions host resolves <c>AzureWebJobsStorage</c>: its value is a connection string (including
/// <c>UseDevelopmentStorage=true</c>), or identity-based keys beneath it — <c>__queueServiceUri</c> /
/// <c>__blobServiceUri</c>, or <c>__accountName</c> for both — with <c>__credential</c> / <c>__clientId</c> read by
/// Microsoft.Extensions.Azure's <see cref="AzureComponentFactory"/> (managed identity, or DefaultAzureCredential).
/// </summary>
/// <remarks>The one place the hosts, the CLI, the tests and the benchmarks turn settings into SDK clients.</remarks>
public sealed class StorageConnection
{
    /// <summary>The storage setting name (the Functions convention).</summary>
    public const string SettingName = "AzureWebJobsStorage";

    /// <summary>Used when the setting is absent altogether: Azurite on its default ports.</summary>
    public const string DevelopmentConnectionString = "UseDevelopmentStorage=true";

    private readonly string _settingName;
    private readonly string? _connectionString;
    private readonly IConfigurationSection? _identity;
    private readonly AzureComponentFactory _factory;

    private StorageConnection(string settingName, string? connectionString, IConfigurationSection? identity, AzureComponentFactory factory)
    {
        _settingName = settingName;
        _connectionString = connectionString;
        _identity = identity;
        _factory = factory;
    }

    /// <summary>True when the account is reached with Entra ID rather than a connection string.</summary>
    public bool IsIdentityBased => _identity is not null;

    /// <summary>
    /// Reads <paramref name="settingName"/> from <paramref name="configuration"/>; when it is absent altogether,
    /// <see cref="DevelopmentConnectionString"/>. Nothing is contacted.
    /// </summary>
    /// <exception cref="StorageSettingException">The setting has identity-based keys but no usable service URI or account name.</exception>
    public static StorageConnection Resolve(IConfiguration configuration, AzureComponentFactory factory, string settingName = SettingName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(settingName);
        var section = configuration.GetSection(settingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new StorageConnection(settingName, section.Value.Trim(), null, factory);
        }

        if (!section.GetChildren().Any())
        {
            return new StorageConnection(settingName, DevelopmentConnectionString, null, factory);
        }

        var connection = new StorageConnection(settingName, null, section, factory);
        _ = connection.ServiceUri("queue"); // fail at start, naming the setting, rather than at the first call
        _ = connection.ServiceUri("blob");
        return connection;
    }

    /// <summary>A factory with no registrations of its own, for code without a DI container (the CLI, tests, benchmarks).</summary>
    public static AzureComponentFactory StandaloneFactory()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddAzureClientsCore();
        return Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<AzureComponentFactory>(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
    }

    /// <summary>The queue service client the setting describes.</summary>
    /// <exception cref="StorageSettingException">The connection string is not usable.</exception>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options) =>
        (QueueServiceClient)Create(typeof(QueueServiceClient), "queue", options);

    /// <summary>The blob service client the setting describes.</summary>
    /// <exception cref="StorageSettingException">The connection string is not usable.</exception>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions options) =>
        (BlobServiceClient)Create(typeof(BlobServiceClient), "blob", options);

    /// <summary>
    /// The table service client the setting describes (the dead-letter index): the connection string, or
    /// <c>__tableServiceUri</c> / <c>__accountName</c> with the same credential as the other services.
    /// </summary>
    /// <exception cref="StorageSettingException">The setting names no usable table endpoint.</exception>
    public TableServiceClient CreateTableServiceClient(TableClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_identity is not null)
        {
            return new TableServiceClient(ServiceUri("table"), Credential(), options);
        }

        try
        {
            return new TableServiceClient(_connectionString, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new StorageSettingException(
                $"The storage setting '{_settingName}' is not a usable connection string for the table service ({ex.GetType().Name}); " +
                "use a storage connection string (for example UseDevelopmentStorage=true) or identity-based keys.", ex);
        }
    }

    private object Create(Type clientType, string service, object options)
    {
        try
        {
            if (_identity is null)
            {
                // A section whose value is a connection string: the factory picks the (connectionString, options) constructor.
                var value = new ConfigurationBuilder().AddInMemoryCollection([new(_settingName, _connectionString)]).Build().GetSection(_settingName);
                return _factory.CreateClient(clientType, value, null, options);
            }

            // The constructors' parameter names: (Uri serviceUri, …) for queues and blobs, (Uri endpoint, …) for tables.
            var parameter = service == "table" ? "endpoint" : "serviceUri";
            var endpoint = new ConfigurationBuilder().AddInMemoryCollection([new(parameter, ServiceUri(service).AbsoluteUri)]).Build();
            return _factory.CreateClient(clientType, endpoint, Credential(), options);
        }
        catch (Exception ex) when (Unwrap(ex) is FormatException or ArgumentException or InvalidOperationException && ex is not StorageSettingException)
        {
            throw new StorageSettingException(
                $"The storage setting '{_settingName}' is not a usable connection string for the {service} service ({ex.GetType().Name}); " +
                "use a storage connection string (for example UseDevelopmentStorage=true) or identity-based keys.", ex);
        }
    }

    // The component factory calls the client's constructor by reflection.
    private static Exception Unwrap(Exception ex) => ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;

    private TokenCredential Credential() => _factory.CreateTokenCredential(_identity!);

    private Uri ServiceUri(string service)
    {
        var key = service + "ServiceUri";
        if (Value(key) is { } explicitUri)
        {
            return Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new StorageSettingException($"The storage setting '{_settingName}__{key}' must be an absolute https URI.");
        }

        if (Value("accountName") is { } accountName)
        {
            return StorageNames.IsValidAccountName(accountName)
                ? new Uri($"https://{accountName}.{service}.core.windows.net/")
                : throw new StorageSettingException($"The storage setting '{_settingName}__accountName' is not a valid storage account name (3-24 lowercase letters and digits).");
        }

        throw new StorageSettingException(
            $"The storage setting '{_settingName}' has identity-based keys but no {service} endpoint: set {_settingName}__{key} or {_settingName}__accountName.");
    }

    private string? Value(string key) => _identity![key] is { Length: > 0 } value ? value.Trim() : null;
}

/// <summary>The storage setting cannot be turned into a client; the message names the setting and never holds a secret.</summary>
public sealed class StorageSettingException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
