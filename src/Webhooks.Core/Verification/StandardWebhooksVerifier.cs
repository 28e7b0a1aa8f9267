using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>standard-webhooks</c>: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the decoded
/// <c>whsec_</c> secret; <c>webhook-signature</c> lists space-separated <c>v1,&lt;base64&gt;</c> entries (other
/// versions are ignored) and one match under any configured secret is enough.
/// </summary>
public sealed class StandardWebhooksVerifier : ISignatureVerifier
{
    /// <summary>The message id header (also the provider's delivery id).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The Unix-seconds timestamp header.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The signature list header.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The version tag of the symmetric HMAC-SHA256 signatures this verifier checks.</summary>
    public const string VersionPrefix = "v1,";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.StandardWebhooks;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var id = context.Headers[IdHeader];
        var timestamp = context.Headers[TimestampHeader];
        var signatures = context.Headers[SignatureHeader];
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.MissingSignature,
                $"The {IdHeader}, {TimestampHeader} and {SignatureHeader} headers are required.");
        }

        if (!UnixTimestamp.TryParse(timestamp, out var seconds))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {TimestampHeader} header is not a Unix time in seconds.");
        }

        var tolerance = UnixTimestamp.ToleranceOf(context.Source);
        if (!UnixTimestamp.IsWithinWindow(seconds, context.Now, tolerance))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.TimestampOutOfWindow,
                $"The {TimestampHeader} is more than {tolerance} seconds away from the current time.");
        }

        // The signed content uses the headers exactly as sent, not re-formatted values.
        var expected = context.ComputeMacs(context.Source.Secrets, StandardWebhooksSecret.DecodeKey, $"{id}.{timestamp}.");

        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        var list = signatures.AsSpan();
        foreach (var range in list.Split(' '))
        {
            var entry = list[range];
            if (entry.StartsWith(VersionPrefix, StringComparison.Ordinal)
                && MacText.TryDecodeBase64(entry[VersionPrefix.Length..], candidate)
                && MacComputation.MatchesAny(expected, candidate))
            {
                return VerificationResult.Success;
            }
        }

        return VerificationResult.Unauthorized(
            ErrorCodes.InvalidSignature, $"No v1 signature in {SignatureHeader} matches the body for this source's secrets.");
    }
}
