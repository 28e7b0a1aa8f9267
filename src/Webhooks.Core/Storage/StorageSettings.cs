using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// Reads a Functions-style storage setting: a connection string value, or identity-based keys beneath it
/// (<c>queueServiceUri</c>/<c>blobServiceUri</c>, <c>serviceUri</c> or <c>accountName</c>; <c>credential</c>; <c>clientId</c>).
/// </summary>
internal static class StorageSettings
{
    /// <summary>True when <paramref name="settingName"/> has a value or any identity-based key.</summary>
    public static bool IsConfigured(IConfiguration configuration, string settingName)
    {
        var section = configuration.GetSection(settingName);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any();
    }

    /// <summary>The queue client the setting describes.</summary>
    public static QueueServiceClient CreateClient(IConfiguration configuration, string settingName, QueueClientOptions? options)
    {
        var (endpoint, credential) = Resolve(configuration, settingName, StorageService.Queue);
        return new QueueServiceClient(endpoint, credential, options);
    }

    /// <summary>The blob client the setting describes.</summary>
    public static BlobServiceClient CreateBlobClient(IConfiguration configuration, string settingName, BlobClientOptions? options)
    {
        var (endpoint, credential) = Resolve(configuration, settingName, StorageService.Blob);
        return new BlobServiceClient(endpoint, credential, options);
    }

    private static (Uri Endpoint, StorageCredential Credential) Resolve(IConfiguration configuration, string settingName, StorageService service)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(settingName);
        var section = configuration.GetSection(settingName);
        var name = service == StorageService.Queue ? "queue" : "blob";
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                var parsed = StorageConnectionString.Parse(section.Value);
                var endpoint = (service == StorageService.Queue ? parsed.QueueEndpoint : parsed.BlobEndpoint)
                    ?? throw new FormatException($"The storage connection string has no {name} endpoint (set AccountName or {(service == StorageService.Queue ? "QueueEndpoint" : "BlobEndpoint")}).");
                return (endpoint, parsed.CreateCredential());
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"The storage setting '{settingName}' is not a usable connection string: {ex.Message}", ex);
            }
        }

        var serviceUri = ServiceUri(section, settingName, service)
            ?? throw new InvalidOperationException(
                $"The storage setting '{settingName}' is missing. Set it to a connection string (for example UseDevelopmentStorage=true), " +
                $"or use identity-based settings {settingName}__{name}ServiceUri or {settingName}__accountName.");
        return (serviceUri, StorageCredential.Token(Credential(section)));
    }

    private static Uri? ServiceUri(IConfigurationSection section, string settingName, StorageService service)
    {
        var key = service == StorageService.Queue ? "queueServiceUri" : "blobServiceUri";
        var explicitUri = service == StorageService.Queue
            ? Value(section, key) ?? Value(section, "serviceUri")
            : Value(section, key);
        if (explicitUri is not null)
        {
            return Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new InvalidOperationException($"The storage setting '{settingName}__{key}' must be an absolute https URI.");
        }

        var accountName = Value(section, "accountName");
        if (accountName is not null)
        {
            return QueueNames.IsValidAccountName(accountName)
                ? new Uri($"https://{accountName}.{(service == StorageService.Queue ? "queue" : "blob")}.core.windows.net/")
                : throw new InvalidOperationException($"The storage setting '{settingName}__accountName' is not a valid storage account name.");
        }

        // Only a queue URI configured (older deployments): the blob endpoint of the same account sits beside it.
        return service == StorageService.Blob && ServiceUri(section, settingName, StorageService.Queue) is { } queue
            && queue.Host.Split('.') is [var account, "queue", .. var suffix]
            ? new Uri($"https://{account}.blob.{string.Join('.', suffix)}/")
            : null;
    }

    private static TokenCredential Credential(IConfigurationSection section)
    {
        var clientId = Value(section, "clientId");
        if (string.Equals(Value(section, "credential"), "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(clientId is null
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    private static string? Value(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value ? value.Trim() : null;

    private enum StorageService
    {
        Queue,
        Blob,
    }
}
