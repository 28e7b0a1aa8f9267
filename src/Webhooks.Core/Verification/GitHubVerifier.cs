using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>github</c>: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, HMAC-SHA256 of the raw body keyed with the secret's
/// UTF-8 bytes. GitHub signs no timestamp, so there is no replay window: a captured delivery stays valid, and the
/// only defence against replays is de-duplication on <c>X-GitHub-Delivery</c>.
/// </summary>
public sealed class GitHubVerifier : ISignatureVerifier
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>The delivery id header (a GUID per delivery, the same on GitHub's redeliveries).</summary>
    public const string DeliveryHeader = "X-GitHub-Delivery";

    /// <summary>The algorithm tag in front of the hex digest.</summary>
    public const string SignaturePrefix = "sha256=";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.GitHub;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var header = context.Headers[SignatureHeader];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Unauthorized(ErrorCodes.MissingSignature, $"The {SignatureHeader} header is required.");
        }

        var value = header.AsSpan().Trim();
        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        if (!value.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase)
            || !MacText.TryDecodeHex(value[SignaturePrefix.Length..], candidate))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {SignatureHeader} header is not 'sha256=' followed by 64 hex digits.");
        }

        var expected = context.ComputeMacs(context.Source.Secrets, MacComputation.Utf8Key, string.Empty);
        return MacComputation.MatchesAny(expected, candidate)
            ? VerificationResult.Success
            : VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {SignatureHeader} signature does not match the body for this source's secrets.");
    }
}
