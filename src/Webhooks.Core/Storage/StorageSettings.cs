using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Webhooks.Storage;

/// <summary>
/// Reads a Functions-style storage setting: a connection string value, or identity-based keys beneath it
/// (<c>queueServiceUri</c>, <c>serviceUri</c> or <c>accountName</c>; <c>credential</c>; <c>clientId</c>).
/// </summary>
internal static class StorageSettings
{
    /// <summary>True when <paramref name="settingName"/> has a value or any identity-based key.</summary>
    public static bool IsConfigured(IConfiguration configuration, string settingName)
    {
        var section = configuration.GetSection(settingName);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any();
    }

    /// <summary>The client the setting describes.</summary>
    public static QueueServiceClient CreateClient(IConfiguration configuration, string settingName, QueueClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(settingName);
        var section = configuration.GetSection(settingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                return QueueServiceClient.FromConnectionString(section.Value, options);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"The storage setting '{settingName}' is not a usable connection string: {ex.Message}", ex);
            }
        }

        var serviceUri = ServiceUri(section, settingName)
            ?? throw new InvalidOperationException(
                $"The storage setting '{settingName}' is missing. Set it to a connection string (for example UseDevelopmentStorage=true), " +
                $"or use identity-based settings {settingName}__queueServiceUri or {settingName}__accountName.");
        return new QueueServiceClient(serviceUri, StorageCredential.Token(Credential(section)), options);
    }

    private static Uri? ServiceUri(IConfigurationSection section, string settingName)
    {
        var explicitUri = Value(section, "queueServiceUri") ?? Value(section, "serviceUri");
        if (explicitUri is not null)
        {
            return Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new InvalidOperationException($"The storage setting '{settingName}__queueServiceUri' must be an absolute https URI.");
        }

        var accountName = Value(section, "accountName");
        if (accountName is null)
        {
            return null;
        }

        return QueueNames.IsValidAccountName(accountName)
            ? new Uri($"https://{accountName}.queue.core.windows.net/")
            : throw new InvalidOperationException($"The storage setting '{settingName}__accountName' is not a valid storage account name.");
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
}
