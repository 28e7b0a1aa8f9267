using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Verification;

/// <summary>
/// HMAC-SHA256 over a short text prefix followed by the raw body. The body is streamed into the HMAC, never copied,
/// so the only allocations per request are the key bytes and the prefix, whatever the body size.
/// </summary>
internal static class MacComputation
{
    /// <summary>The size of an HMAC-SHA256 value in bytes.</summary>
    public const int MacSize = HMACSHA256.HashSizeInBytes;

    private const int StackPrefixBytes = 512;

    /// <summary>Writes HMAC-SHA256(key, UTF-8(prefix) || body) into <paramref name="destination"/> (32 bytes).</summary>
    public static void Compute(ReadOnlySpan<byte> key, string prefix, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        if (prefix.Length > 0)
        {
            var maxBytes = Encoding.UTF8.GetMaxByteCount(prefix.Length);
            byte[]? rented = null;
            var buffer = maxBytes <= StackPrefixBytes
                ? stackalloc byte[StackPrefixBytes]
                : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
            var written = Encoding.UTF8.GetBytes(prefix, buffer);
            hmac.AppendData(buffer[..written]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    /// <summary>
    /// The MAC under every usable secret, concatenated (32 bytes each). Blank secrets and secrets whose key is empty
    /// are skipped: an empty HMAC key would let anyone sign.
    /// </summary>
    public static byte[] ComputeForEverySecret(
        IReadOnlyList<string>? secrets, Func<string, byte[]> keyOf, string prefix, ReadOnlySpan<byte> body)
    {
        if (secrets is null || secrets.Count == 0)
        {
            return [];
        }

        var macs = new byte[secrets.Count * MacSize];
        var count = 0;
        foreach (var secret in secrets)
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                continue;
            }

            var key = keyOf(secret);
            if (key.Length > 0)
            {
                Compute(key, prefix, body, macs.AsSpan(count * MacSize, MacSize));
                count++;
            }

            CryptographicOperations.ZeroMemory(key);
        }

        return count == secrets.Count ? macs : macs[..(count * MacSize)];
    }

    /// <summary>Whether <paramref name="candidate"/> equals one of the concatenated MACs, compared in constant time.</summary>
    public static bool MatchesAny(ReadOnlySpan<byte> expectedMacs, ReadOnlySpan<byte> candidate)
    {
        var found = false;
        for (var offset = 0; offset + MacSize <= expectedMacs.Length; offset += MacSize)
        {
            // No early exit: every secret is compared, so timing does not reveal which one matched.
            found |= CryptographicOperations.FixedTimeEquals(expectedMacs.Slice(offset, MacSize), candidate);
        }

        return found;
    }

    /// <summary>The key bytes of a secret used as UTF-8 text (GitHub, Stripe, Slack, hmac-sha256).</summary>
    public static byte[] Utf8Key(string secret) => Encoding.UTF8.GetBytes(secret);
}
