using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Verification;

/// <summary>
/// Standard Webhooks signing secrets: <c>whsec_</c> followed by the base64 of the key bytes.
/// </summary>
public static class StandardWebhooksSecret
{
    /// <summary>The conventional prefix of a Standard Webhooks secret.</summary>
    public const string Prefix = "whsec_";

    /// <summary>The size of a generated key: 32 bytes (the spec asks for 24 to 64).</summary>
    public const int GeneratedKeyBytes = 32;

    /// <summary>A fresh secret: <c>whsec_</c> + base64 of 32 cryptographically random bytes.</summary>
    public static string Generate()
    {
        Span<byte> key = stackalloc byte[GeneratedKeyBytes];
        RandomNumberGenerator.Fill(key);
        var secret = Prefix + Convert.ToBase64String(key);
        CryptographicOperations.ZeroMemory(key);
        return secret;
    }

    /// <summary>
    /// The HMAC key of a secret: the base64-decoded part after <c>whsec_</c>, or of the whole secret when it has no
    /// prefix. A secret that is not base64 at all is used as its UTF-8 bytes, so a key imported from elsewhere still
    /// works. An empty result means the secret is unusable.
    /// </summary>
    public static byte[] DecodeKey(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return TryDecodeBase64(StripPrefix(secret), out var key) ? key : Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>
    /// Whether the secret is well formed: with the <c>whsec_</c> prefix the rest must be non-empty base64; without it
    /// any non-blank text is accepted (used as base64 when it decodes, as UTF-8 otherwise).
    /// </summary>
    public static bool IsWellFormed(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }

        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return true;
        }

        return TryDecodeBase64(secret.AsSpan(Prefix.Length), out var key) && key.Length > 0;
    }

    private static ReadOnlySpan<char> StripPrefix(string secret) =>
        secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret.AsSpan(Prefix.Length) : secret.AsSpan();

    private static bool TryDecodeBase64(ReadOnlySpan<char> text, out byte[] key)
    {
        key = [];
        if (text.IsEmpty)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((text.Length / 4 * 3) + 3);
        try
        {
            if (!Convert.TryFromBase64Chars(text, buffer, out var written) || written == 0)
            {
                return false;
            }

            key = buffer.AsSpan(0, written).ToArray();
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
