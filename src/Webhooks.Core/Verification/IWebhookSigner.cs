using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// Produces the headers a sender of one scheme attaches, so our CLI <c>send</c>, tests, load generators and the
/// delivery worker (signing outbound calls) sign exactly as the matching <see cref="ISignatureVerifier"/> checks.
/// </summary>
public interface IWebhookSigner
{
    /// <summary>The scheme name it signs for (see <see cref="VerificationSchemes"/>).</summary>
    string Scheme { get; }

    /// <summary>The headers to send with the body.</summary>
    SignatureHeaders CreateHeaders(SigningContext context);
}

/// <summary>What a signer needs.</summary>
/// <param name="Secret">The secret to sign with (for <c>api-key</c>, the key itself).</param>
/// <param name="Id">The delivery id, sent by schemes that carry one in a header (<c>webhook-id</c>, <c>X-GitHub-Delivery</c>).</param>
/// <param name="Timestamp">The signing time, for timestamped schemes; from the caller's <see cref="TimeProvider"/>.</param>
/// <param name="Body">The exact body bytes that will be sent.</param>
/// <param name="Source">
/// The source's options, for the schemes with configurable headers (<c>hmac-sha256</c>: header, prefix, encoding;
/// <c>api-key</c>: header). Null uses the defaults.
/// </param>
public sealed record SigningContext(
    string Secret,
    string Id,
    DateTimeOffset Timestamp,
    ReadOnlyMemory<byte> Body,
    SourceOptions? Source = null);
