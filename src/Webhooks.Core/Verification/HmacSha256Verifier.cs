using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>hmac-sha256</c>: a generic HMAC-SHA256 of the raw body keyed with the secret's UTF-8 bytes, sent in
/// <see cref="SourceOptions.SignatureHeader"/>, hex or base64 per <see cref="SourceOptions.SignatureEncoding"/>,
/// with <see cref="SourceOptions.SignaturePrefix"/> (such as <c>sha256=</c>) stripped when present. No timestamp
/// is signed, so there is no replay window.
/// </summary>
public sealed class HmacSha256Verifier : ISignatureVerifier
{
    /// <summary>The header used when the source names none.</summary>
    public const string DefaultSignatureHeader = "X-Signature";

    /// <summary>The <see cref="SourceOptions.SignatureEncoding"/> value for hex digests (the default).</summary>
    public const string HexEncoding = "hex";

    /// <summary>The <see cref="SourceOptions.SignatureEncoding"/> value for base64 digests.</summary>
    public const string Base64Encoding = "base64";

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.HmacSha256;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var source = context.Source;
        var headerName = HeaderNameOf(source);
        var header = context.Headers[headerName];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Unauthorized(ErrorCodes.MissingSignature, $"The {headerName} header is required.");
        }

        var value = header.AsSpan().Trim();
        if (!string.IsNullOrEmpty(source.SignaturePrefix)
            && value.StartsWith(source.SignaturePrefix, StringComparison.OrdinalIgnoreCase))
        {
            value = value[source.SignaturePrefix.Length..];
        }

        Span<byte> candidate = stackalloc byte[MacComputation.MacSize];
        var isBase64 = IsBase64(source);
        var decoded = isBase64 ? MacText.TryDecodeBase64(value, candidate) : MacText.TryDecodeHex(value, candidate);
        if (!decoded)
        {
            return VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature,
                $"The {headerName} header is not a {(isBase64 ? Base64Encoding : HexEncoding)} HMAC-SHA256 signature.");
        }

        var expected = context.ComputeMacs(source.Secrets, MacComputation.Utf8Key, string.Empty);
        return MacComputation.MatchesAny(expected, candidate)
            ? VerificationResult.Success
            : VerificationResult.Unauthorized(
                ErrorCodes.InvalidSignature, $"The {headerName} signature does not match the body for this source's secrets.");
    }

    /// <summary>The signature header of a source, falling back to <see cref="DefaultSignatureHeader"/>.</summary>
    internal static string HeaderNameOf(SourceOptions source) =>
        string.IsNullOrWhiteSpace(source.SignatureHeader) ? DefaultSignatureHeader : source.SignatureHeader;

    /// <summary>Whether the source sends base64 (anything else means hex, the default).</summary>
    internal static bool IsBase64(SourceOptions source) =>
        string.Equals(source.SignatureEncoding, Base64Encoding, StringComparison.OrdinalIgnoreCase);
}
