using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>stripe</c>: <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=…][,v0=…]</c>, HMAC-SHA256 over
/// <c>{t}.{body}</c> keyed with the endpoint secret's UTF-8 bytes (<c>whsec_…</c> used as is, unlike Standard
/// Webhooks). Any <c>v1</c> entry may match (Stripe sends several while a secret is being rolled); <c>v0</c>
/// entries are ignored. The timestamp must be within the source's tolerance, in both directions.
/// </summary>
public sealed class StripeVerifier : ISignatureVerifier
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "Stripe-Signature";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.Stripe;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var header = context.Headers[SignatureHeader];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Unauthorized(ErrorCodes.MissingSignature, $"The {SignatureHeader} header is required.");
        }

        var value = header.AsSpan();

        // First pass: the timestamp (it may come after the signatures) and whether any well-formed v1 entry exists, so a
        // large body with no usable signature is refused before it streams (no MAC is planned for it).
        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        ReadOnlySpan<char> timestamp = default;
        var hasTimestamp = false;
        var hasV1 = false;
        foreach (var range in value.Split(','))
        {
            var key = SplitPair(value[range], out var item);
            if (!hasTimestamp && key.SequenceEqual("t"))
            {
                timestamp = item;
                hasTimestamp = true;
            }
            else if (key.SequenceEqual("v1") && MacText.TryDecodeHex(item, candidate))
            {
                hasV1 = true;
            }
        }

        if (!hasTimestamp || !hasV1 || !UnixTimestamp.TryParse(timestamp, out var seconds))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {SignatureHeader} header needs a 't=' Unix timestamp and at least one well-formed 'v1=' signature (64 hex digits).");
        }

        var tolerance = UnixTimestamp.ToleranceOf(context.Source);
        if (!UnixTimestamp.IsWithinWindow(seconds, context.Now, tolerance))
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.TimestampOutOfWindow,
                $"The {SignatureHeader} timestamp is more than {tolerance} seconds away from the current time.");
        }

        var expected = context.ComputeMacs(context.Source.Secrets, MacComputation.Utf8Key, $"{timestamp}.");

        // Second pass: any v1 entry that matches under any secret.
        foreach (var range in value.Split(','))
        {
            var key = SplitPair(value[range], out var item);
            if (key.SequenceEqual("v1")
                && MacText.TryDecodeHex(item, candidate)
                && MacComputation.MatchesAny(expected, candidate))
            {
                return VerificationResult.Success;
            }
        }

        return VerificationResult.Unauthorized(
            ErrorCodes.InvalidSignature, $"No v1 signature in {SignatureHeader} matches the body for this source's secrets.");
    }

    /// <summary>Splits <c>key=value</c>, returning the key; an entry without '=' is all key.</summary>
    private static ReadOnlySpan<char> SplitPair(ReadOnlySpan<char> entry, out ReadOnlySpan<char> value)
    {
        entry = entry.Trim();
        var equals = entry.IndexOf('=');
        value = equals < 0 ? default : entry[(equals + 1)..];
        return equals < 0 ? entry : entry[..equals];
    }
}
