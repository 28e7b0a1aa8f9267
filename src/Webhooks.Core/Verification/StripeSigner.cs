using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// Signs as Stripe does: <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;</c>. Stripe's delivery id is the event's
/// <c>id</c> inside the body, so the id is not sent as a header.
/// </summary>
public sealed class StripeSigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static StripeSigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.Stripe;

    /// <summary>The <c>t=…,v1=…</c> header value: HMAC of <c>{t}.{body}</c> under the secret's UTF-8 bytes.</summary>
    public static string Sign(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var t = StandardWebhooksSigner.UnixSeconds(timestamp);
        Span<byte> mac = stackalloc byte[MacComputation.MacSize];
        MacComputation.Compute(MacComputation.Utf8Key(secret), $"{t}.", body, mac);
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new([new(StripeVerifier.SignatureHeader, Sign(context.Secret, context.Timestamp, context.Body.Span))]);
    }
}
