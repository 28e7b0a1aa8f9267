using Azure.Core;

namespace Webhooks.Storage;

/// <summary>How requests to the storage account are authorized.</summary>
public abstract class StorageCredential
{
    private protected StorageCredential()
    {
    }

    /// <summary>Shared Key: HMAC-SHA256 over the canonical request with the account key.</summary>
    /// <exception cref="FormatException"><paramref name="accountKey"/> is not base64.</exception>
    public static StorageCredential SharedKey(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        return new SharedKeyStorageCredential(accountName, accountKey);
    }

    /// <summary>A shared access signature appended to every request's query.</summary>
    public static StorageCredential Sas(string sasToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sasToken);
        return new SasStorageCredential(sasToken);
    }

    /// <summary>Entra ID bearer tokens for <c>https://storage.azure.com/.default</c> (managed identity in Azure).</summary>
    public static StorageCredential Token(TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new TokenStorageCredential(credential);
    }
}

internal sealed class SharedKeyStorageCredential(string accountName, string accountKey) : StorageCredential
{
    public string AccountName { get; } = accountName;

    public byte[] Key { get; } = Convert.FromBase64String(accountKey);
}

internal sealed class SasStorageCredential(string sasToken) : StorageCredential
{
    public string SasToken { get; } = sasToken.TrimStart('?');
}

internal sealed class TokenStorageCredential(TokenCredential credential) : StorageCredential
{
    public TokenCredential Credential { get; } = credential;
}
