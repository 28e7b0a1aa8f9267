using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>Signs as GitHub does: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> and <c>X-GitHub-Delivery</c>.</summary>
public sealed class GitHubSigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static GitHubSigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.GitHub;

    /// <summary>The <c>sha256=&lt;hex&gt;</c> HMAC of the body under the secret's UTF-8 bytes.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        Span<byte> mac = stackalloc byte[MacComputation.MacSize];
        MacComputation.Compute(MacComputation.Utf8Key(secret), string.Empty, body, mac);
        return GitHubVerifier.SignaturePrefix + Convert.ToHexStringLower(mac);
    }

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(
        [
            new(GitHubVerifier.SignatureHeader, Sign(context.Secret, context.Body.Span)),
            new(GitHubVerifier.DeliveryHeader, context.Id),
        ]);
    }
}
