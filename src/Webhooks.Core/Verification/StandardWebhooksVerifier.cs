using Webhooks.Configuration;
using Webhooks.Intake;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>standard-webhooks</c>: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the decoded
/// <c>whsec_</c> secret; <c>webhook-signature</c> lists space-separated <c>v1,&lt;base64&gt;</c> entries (other
/// versions are ignored) and one match under any configured secret is enough. Svix, on which several providers are
/// built, sends the same scheme as <c>svix-id</c>/<c>svix-timestamp</c>/<c>svix-signature</c>; as in Svix's own
/// libraries, either family is accepted (the <c>webhook-*</c> one when both are complete), never a mix.
/// </summary>
public sealed class StandardWebhooksVerifier : ISignatureVerifier
{
    /// <summary>The message id header (also the provider's delivery id).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The Unix-seconds timestamp header.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The signature list header.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>Svix's name for <see cref="IdHeader"/>.</summary>
    public const string SvixIdHeader = "svix-id";

    /// <summary>Svix's name for <see cref="TimestampHeader"/>.</summary>
    public const string SvixTimestampHeader = "svix-timestamp";

    /// <summary>Svix's name for <see cref="SignatureHeader"/>.</summary>
    public const string SvixSignatureHeader = "svix-signature";

    /// <summary>The version tag of the symmetric HMAC-SHA256 signatures this verifier checks.</summary>
    public const string VersionPrefix = "v1,";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.StandardWebhooks;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        if (HeadersOf(context.Headers) is not var (id, timestamp, signatures))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.MissingSignature,
                $"The {IdHeader}, {TimestampHeader} and {SignatureHeader} headers (or Svix's {SvixIdHeader}, {SvixTimestampHeader} and {SvixSignatureHeader}) are required.");
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

        // Decided before any MAC is planned, so a large body with no usable signature is refused before it streams.
        if (!HasWellFormedSignature(signatures))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"{SignatureHeader} holds no well-formed v1 signature (v1,<base64 of 32 bytes>).");
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

    private static bool HasWellFormedSignature(string signatures)
    {
        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        var list = signatures.AsSpan();
        foreach (var range in list.Split(' '))
        {
            var entry = list[range];
            if (entry.StartsWith(VersionPrefix, StringComparison.Ordinal) && MacText.TryDecodeBase64(entry[VersionPrefix.Length..], candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name of the message id header the sender used: <c>webhook-id</c>, or <c>svix-id</c> when only Svix's family is complete.</summary>
    public static string IdHeaderOf(IRequestHeaders headers) =>
        !IsComplete(headers, IdHeader, TimestampHeader, SignatureHeader) && IsComplete(headers, SvixIdHeader, SvixTimestampHeader, SvixSignatureHeader)
            ? SvixIdHeader
            : IdHeader;

    // One complete family, webhook-* first; a mix of the two is no family.
    private static (string Id, string Timestamp, string Signatures)? HeadersOf(IRequestHeaders headers) =>
        IsComplete(headers, IdHeader, TimestampHeader, SignatureHeader) ? (headers[IdHeader]!, headers[TimestampHeader]!, headers[SignatureHeader]!)
        : IsComplete(headers, SvixIdHeader, SvixTimestampHeader, SvixSignatureHeader) ? (headers[SvixIdHeader]!, headers[SvixTimestampHeader]!, headers[SvixSignatureHeader]!)
        : null;

    private static bool IsComplete(IRequestHeaders headers, string id, string timestamp, string signature) =>
        !string.IsNullOrEmpty(headers[id]) && !string.IsNullOrEmpty(headers[timestamp]) && !string.IsNullOrEmpty(headers[signature]);
}
