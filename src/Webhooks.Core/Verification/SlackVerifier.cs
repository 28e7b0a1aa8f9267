using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>slack</c>: <c>X-Slack-Signature: v0=&lt;hex&gt;</c>, HMAC-SHA256 over
/// <c>v0:{X-Slack-Request-Timestamp}:{body}</c> keyed with the signing secret's UTF-8 bytes; the timestamp must be
/// within the source's tolerance, in both directions.
/// </summary>
public sealed class SlackVerifier : ISignatureVerifier
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Slack-Signature";

    /// <summary>The Unix-seconds timestamp header.</summary>
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    /// <summary>The version tag in front of the hex digest.</summary>
    public const string SignaturePrefix = "v0=";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.Slack;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var signature = context.Headers[SignatureHeader];
        var timestamp = context.Headers[TimestampHeader];
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.MissingSignature, $"The {SignatureHeader} and {TimestampHeader} headers are required.");
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

        var value = signature.AsSpan().Trim();
        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        if (!value.StartsWith(SignaturePrefix, StringComparison.Ordinal)
            || !MacText.TryDecodeHex(value[SignaturePrefix.Length..], candidate))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {SignatureHeader} header is not 'v0=' followed by 64 hex digits.");
        }

        var expected = context.ComputeMacs(context.Source.Secrets, MacComputation.Utf8Key, $"v0:{timestamp}:");
        return MacComputation.MatchesAny(expected, candidate)
            ? VerificationResult.Success
            : VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {SignatureHeader} signature does not match the body for this source's secrets.");
    }
}
