using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// Signs as Slack does: <c>X-Slack-Request-Timestamp</c> and <c>X-Slack-Signature: v0=&lt;hex&gt;</c>. Slack's
/// delivery id is the body's <c>event_id</c>, so the id is not sent as a header.
/// </summary>
public sealed class SlackSigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static SlackSigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.Slack;

    /// <summary>The <c>v0=&lt;hex&gt;</c> HMAC of <c>v0:{timestamp}:{body}</c> under the secret's UTF-8 bytes.</summary>
    public static string Sign(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        Span<byte> mac = stackalloc byte[MacComputation.MacSize];
        MacComputation.Compute(
            MacComputation.Utf8Key(secret), $"v0:{StandardWebhooksSigner.UnixSeconds(timestamp)}:", body, mac);
        return SlackVerifier.SignaturePrefix + Convert.ToHexStringLower(mac);
    }

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(
        [
            new(SlackVerifier.TimestampHeader, StandardWebhooksSigner.UnixSeconds(context.Timestamp)),
            new(SlackVerifier.SignatureHeader, Sign(context.Secret, context.Timestamp, context.Body.Span)),
        ]);
    }
}
