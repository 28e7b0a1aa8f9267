using System.Diagnostics.CodeAnalysis;

namespace Webhooks.Storage;

/// <summary>
/// A parsed Azure Storage connection string: <c>UseDevelopmentStorage=true</c>, an account key
/// (<c>AccountName</c>/<c>AccountKey</c> with optional <c>DefaultEndpointsProtocol</c>, <c>EndpointSuffix</c> and
/// explicit <c>QueueEndpoint</c>/<c>BlobEndpoint</c>/<c>TableEndpoint</c>), or a shared access signature
/// (<c>SharedAccessSignature</c> with explicit endpoints or an account name).
/// </summary>
/// <remarks>Error messages never repeat the connection string: it holds a secret.</remarks>
public sealed class StorageConnectionString
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known (public) account key.</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnectionString(string? accountName, string? accountKey, string? sas, Uri? queue, Uri? blob, Uri? table, bool isDevelopment)
    {
        AccountName = accountName;
        AccountKey = accountKey;
        SharedAccessSignature = sas;
        QueueEndpoint = queue;
        BlobEndpoint = blob;
        TableEndpoint = table;
        IsDevelopmentStorage = isDevelopment;
    }

    /// <summary>The account name, when the connection string names one (always for account keys).</summary>
    public string? AccountName { get; }

    /// <summary>The base64 account key, for Shared Key authorization; null for SAS connection strings.</summary>
    public string? AccountKey { get; }

    /// <summary>The SAS token without a leading <c>?</c>; null for account-key connection strings.</summary>
    public string? SharedAccessSignature { get; }

    /// <summary>The queue service endpoint, explicit or derived from the account name.</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>The blob service endpoint, explicit or derived from the account name.</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>The table service endpoint, explicit or derived from the account name.</summary>
    public Uri? TableEndpoint { get; }

    /// <summary>True for <c>UseDevelopmentStorage=true</c>.</summary>
    public bool IsDevelopmentStorage { get; }

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> saying what is wrong (without echoing secrets).</summary>
    public static StorageConnectionString Parse(string connectionString) =>
        TryParse(connectionString, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>Parses a connection string; false when it is not one we can use.</summary>
    public static bool TryParse(string? connectionString, [NotNullWhen(true)] out StorageConnectionString? result) =>
        TryParse(connectionString, out result, out _);

    /// <summary>The credential the connection string carries: Shared Key when it has an account key, otherwise SAS.</summary>
    public StorageCredential CreateCredential() =>
        AccountKey is not null
            ? StorageCredential.SharedKey(AccountName!, AccountKey)
            : StorageCredential.Sas(SharedAccessSignature!);

    private static bool TryParse(string? connectionString, [NotNullWhen(true)] out StorageConnectionString? result, out string error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "The storage connection string is empty.";
            return false;
        }

        if (!TrySplit(connectionString, out var settings, out error))
        {
            return false;
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev))
        {
            return TryDevelopment(dev, settings, out result, out error);
        }

        return TryAccount(settings, out result, out error);
    }

    private static bool TrySplit(string connectionString, out Dictionary<string, string> settings, out string error)
    {
        settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Values (keys, SAS tokens) contain '=': only the first one separates the name.
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = "The storage connection string is malformed: every part must be Name=Value.";
                return false;
            }

            var name = segment[..equals].Trim();
            if (!settings.TryAdd(name, segment[(equals + 1)..].Trim()))
            {
                error = $"The storage connection string sets '{name}' more than once.";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }

    private static bool TryDevelopment(string flag, Dictionary<string, string> settings, out StorageConnectionString? result, out string error)
    {
        result = null;
        if (!bool.TryParse(flag, out var enabled) || !enabled)
        {
            error = "UseDevelopmentStorage must be 'true' when present.";
            return false;
        }

        var baseUri = "http://127.0.0.1";
        if (settings.TryGetValue("DevelopmentStorageProxyUri", out var proxy))
        {
            if (!Uri.TryCreate(proxy, UriKind.Absolute, out var proxyUri))
            {
                error = "DevelopmentStorageProxyUri is not an absolute URI.";
                return false;
            }

            baseUri = proxyUri.GetLeftPart(UriPartial.Scheme) + proxyUri.Host;
        }

        result = new StorageConnectionString(
            DevelopmentAccountName,
            DevelopmentAccountKey,
            sas: null,
            new Uri($"{baseUri}:10001/{DevelopmentAccountName}"),
            new Uri($"{baseUri}:10000/{DevelopmentAccountName}"),
            new Uri($"{baseUri}:10002/{DevelopmentAccountName}"),
            isDevelopment: true);
        error = string.Empty;
        return true;
    }

    private static bool TryAccount(Dictionary<string, string> settings, out StorageConnectionString? result, out string error)
    {
        result = null;
        settings.TryGetValue("AccountName", out var accountName);
        settings.TryGetValue("AccountKey", out var accountKey);
        settings.TryGetValue("SharedAccessSignature", out var sas);
        accountName = NullIfEmpty(accountName);
        accountKey = NullIfEmpty(accountKey);
        sas = NullIfEmpty(sas)?.TrimStart('?');

        if (accountKey is not null && accountName is null)
        {
            error = "The storage connection string has an AccountKey but no AccountName.";
            return false;
        }

        if (accountKey is not null && !IsBase64(accountKey))
        {
            error = "The storage connection string's AccountKey is not valid base64.";
            return false;
        }

        if (accountKey is null && sas is null)
        {
            error = "The storage connection string has neither an AccountKey nor a SharedAccessSignature.";
            return false;
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (!protocol.Equals("https", StringComparison.OrdinalIgnoreCase) && !protocol.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            error = "DefaultEndpointsProtocol must be 'http' or 'https'.";
            return false;
        }

        var suffix = settings.GetValueOrDefault("EndpointSuffix", "core.windows.net");
        if (!TryEndpoint(settings, "QueueEndpoint", "queue", accountName, protocol, suffix, out var queue, out error)
            || !TryEndpoint(settings, "BlobEndpoint", "blob", accountName, protocol, suffix, out var blob, out error)
            || !TryEndpoint(settings, "TableEndpoint", "table", accountName, protocol, suffix, out var table, out error))
        {
            return false;
        }

        if (queue is null && blob is null && table is null)
        {
            error = "The storage connection string has no AccountName and no service endpoint.";
            return false;
        }

        result = new StorageConnectionString(accountName, accountKey, sas, queue, blob, table, isDevelopment: false);
        return true;
    }

    private static bool TryEndpoint(
        Dictionary<string, string> settings, string key, string service, string? accountName, string protocol, string suffix, out Uri? endpoint, out string error)
    {
        error = string.Empty;
        if (settings.TryGetValue(key, out var explicitValue) && !string.IsNullOrEmpty(explicitValue))
        {
            if (Uri.TryCreate(explicitValue, UriKind.Absolute, out endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps))
            {
                return true;
            }

            error = $"{key} is not an absolute http(s) URI.";
            return false;
        }

        endpoint = null;
        if (accountName is null)
        {
            return true;
        }

        if (!Uri.TryCreate($"{protocol.ToLowerInvariant()}://{accountName}.{service}.{suffix}/", UriKind.Absolute, out endpoint))
        {
            error = $"AccountName and EndpointSuffix do not form a valid {service} endpoint.";
            return false;
        }

        return true;
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
