using System.Buffers;

namespace Webhooks.Verification;

/// <summary>
/// Decodes a signature as sent on the wire into a 32-byte buffer, refusing anything that is not exactly one
/// HMAC-SHA256 value, so an oversized or garbage header costs a length check and nothing more.
/// </summary>
internal static class MacText
{
    private const int HexLength = MacComputation.MacSize * 2;
    private const int Base64Length = (MacComputation.MacSize + 2) / 3 * 4;

    /// <summary>Decodes 64 hex digits (either case).</summary>
    public static bool TryDecodeHex(ReadOnlySpan<char> text, Span<byte> mac)
    {
        if (text.Length != HexLength)
        {
            return false;
        }

        return Convert.FromHexString(text, mac, out _, out var written) == OperationStatus.Done
            && written == MacComputation.MacSize;
    }

    /// <summary>Decodes standard, padded base64 of 32 bytes (44 characters).</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> text, Span<byte> mac)
    {
        if (text.Length != Base64Length)
        {
            return false;
        }

        return Convert.TryFromBase64Chars(text, mac, out var written) && written == MacComputation.MacSize;
    }
}
