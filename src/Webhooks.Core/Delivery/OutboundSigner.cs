using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Delivery;

/// <summary>
/// Signs an outbound call the Standard Webhooks way (https://www.standardwebhooks.com/) so the target can check it
/// is ours: <c>webhook-signature: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))</c>.
/// </summary>
/// <remarks>A deliberately tiny helper for the delivery side; verification of inbound calls lives in Verification.</remarks>
internal static class OutboundSigner
{
    private const string SecretPrefix = "whsec_";

    /// <summary>Reads a <c>whsec_</c> secret (or bare base64) into key bytes; null when it is not valid base64.</summary>
    public static byte[]? DecodeSecret(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length == 0 ? null : key;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The <c>webhook-signature</c> header value for one call.</summary>
    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}."));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
