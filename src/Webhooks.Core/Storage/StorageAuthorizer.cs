using System.Net.Http.Headers;

namespace Webhooks.Storage;

/// <summary>Applies one <see cref="StorageCredential"/> to outgoing requests.</summary>
internal abstract class StorageAuthorizer
{
    /// <summary>The authorizer for <paramref name="credential"/>; token authorizers keep their own token cache.</summary>
    public static StorageAuthorizer Create(StorageCredential credential, TimeProvider timeProvider) => credential switch
    {
        SharedKeyStorageCredential sharedKey => new SharedKeyAuthorizer(sharedKey),
        SasStorageCredential sas => new SasAuthorizer(sas.SasToken),
        TokenStorageCredential token => new BearerTokenAuthorizer(new TokenCache(token.Credential, timeProvider)),
        _ => throw new ArgumentException($"Unsupported credential type {credential.GetType().Name}.", nameof(credential)),
    };

    /// <summary>Authorizes a request whose URI and other headers are final.</summary>
    public abstract ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    private sealed class SharedKeyAuthorizer(SharedKeyStorageCredential credential) : StorageAuthorizer
    {
        public override ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            SharedKeySigner.Sign(request, credential.AccountName, credential.Key);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class SasAuthorizer(string sasToken) : StorageAuthorizer
    {
        public override ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.RequestUri = new Uri(uri.AbsoluteUri + separator + sasToken);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class BearerTokenAuthorizer(TokenCache cache) : StorageAuthorizer
    {
        public override async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = await cache.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
