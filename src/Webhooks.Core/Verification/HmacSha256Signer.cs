using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// Signs for an <c>hmac-sha256</c> source: HMAC of the raw body under the secret's UTF-8 bytes, in the source's
/// header, encoding and prefix. Also sends <c>webhook-id</c> so the receiver keeps our delivery id.
/// </summary>
public sealed class HmacSha256Signer : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static HmacSha256Signer Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.HmacSha256;

    /// <summary>The header value: optional prefix, then the HMAC of the body in hex (lower case) or base64.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body, bool base64 = false, string? prefix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        Span<byte> mac = stackalloc byte[MacComputation.MacSize];
        MacComputation.Compute(MacComputation.Utf8Key(secret), string.Empty, body, mac);
        var encoded = base64 ? Convert.ToBase64String(mac) : Convert.ToHexStringLower(mac);
        return prefix + encoded;
    }

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = context.Source ?? new SourceOptions { Verification = VerificationSchemes.HmacSha256 };
        var value = Sign(context.Secret, context.Body.Span, HmacSha256Verifier.IsBase64(source), source.SignaturePrefix);
        return new(
        [
            new(HmacSha256Verifier.HeaderNameOf(source), value),
            new(StandardWebhooksVerifier.IdHeader, context.Id),
        ]);
    }
}
