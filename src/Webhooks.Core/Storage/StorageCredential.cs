using Azure.Core;

namespace Webhooks.Storage;

/// <summary>How requests to the storage account are authorized.</summary>
public abstract class StorageCredential
{
    private protected StorageCredential()
    {
    }

    /// <summary>Shared Key: HMAC-SHA256 over the canonical request with the account key.</summary>
    public static StorageCredential SharedKey(string accountName, string accountKey) => new SharedKeyStorageCredential(accountName, accountKey);

    /// <summary>A shared access signature appended to every request's query.</summary>
    public static StorageCredential Sas(string sasToken) => new SasStorageCredential(sasToken);

    /// <summary>Entra ID bearer tokens for <c>https://storage.azure.com/.default</c> (managed identity in Azure).</summary>
    public static StorageCredential Token(TokenCredential credential) => new TokenStorageCredential(credential);
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
