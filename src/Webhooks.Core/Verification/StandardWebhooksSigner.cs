using System.Globalization;
using System.Security.Cryptography;
using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>Signs as a Standard Webhooks sender: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>.</summary>
public sealed class StandardWebhooksSigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static StandardWebhooksSigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.StandardWebhooks;

    /// <summary>
    /// The <c>v1,&lt;base64&gt;</c> signature of <c>{id}.{timestamp}.{body}</c> under the secret (a <c>whsec_</c>
    /// secret, or a bare base64 one).
    /// </summary>
    public static string Sign(string secret, string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        ArgumentNullException.ThrowIfNull(id);
        var key = StandardWebhooksSecret.DecodeKey(secret);
        try
        {
            Span<byte> mac = stackalloc byte[MacComputation.MacSize];
            MacComputation.Compute(key, $"{id}.{UnixSeconds(timestamp)}.", body, mac);
            return StandardWebhooksVerifier.VersionPrefix + Convert.ToBase64String(mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The three Standard Webhooks headers for one delivery.</summary>
    public static SignatureHeaders CreateHeaders(string secret, string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body) =>
        new(
        [
            new(StandardWebhooksVerifier.IdHeader, id),
            new(StandardWebhooksVerifier.TimestampHeader, UnixSeconds(timestamp)),
            new(StandardWebhooksVerifier.SignatureHeader, Sign(secret, id, timestamp, body)),
        ]);

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CreateHeaders(context.Secret, context.Id, context.Timestamp, context.Body.Span);
    }

    internal static string UnixSeconds(DateTimeOffset timestamp) =>
        timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
