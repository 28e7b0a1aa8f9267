using Azure.Core;

namespace Webhooks.Storage;

/// <summary>
/// Caches an Entra ID access token for the storage scope and refreshes it shortly before it expires, so each
/// request does not go to the identity endpoint. Safe to share between concurrent requests: one refresh at a time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used; it is not.")]
internal sealed class TokenCache(TokenCredential credential, TimeProvider timeProvider)
{
    /// <summary>The scope every storage data-plane token is requested for.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    /// <summary>How long before expiry a cached token is considered stale.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile TokenHolder? _current;

    /// <summary>The cached token, or a fresh one when there is none or it is about to expire.</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && IsFresh(cached.Token))
        {
            return cached.Token.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (_current is { } refreshed && IsFresh(refreshed.Token))
            {
                return refreshed.Token.Token;
            }

            var token = await credential.GetTokenAsync(new TokenRequestContext([StorageScope]), cancellationToken).ConfigureAwait(false);
            _current = new TokenHolder(token);
            return token.Token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(AccessToken token) => timeProvider.GetUtcNow() < token.ExpiresOn - RefreshMargin;

    // AccessToken is a struct; a class wrapper lets the field be read and written atomically.
    private sealed record TokenHolder(AccessToken Token);
}
