using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Testing.Azurite;

/// <summary>
/// A minimal account SAS for the queue service (the documented "Create an account SAS" string-to-sign for version
/// 2020-12-06 and later), so tests can exercise SAS authorization against Azurite.
/// </summary>
public static class AccountSas
{
    /// <summary>Version the token is signed for.</summary>
    public const string Version = "2025-01-05";

    /// <summary>A queue-service account SAS granting every queue permission until <paramref name="expiresOn"/>.</summary>
    public static string ForQueues(string accountName, string accountKey, DateTimeOffset expiresOn)
    {
        const string Permissions = "rwdlacup";
        const string Services = "q";
        const string ResourceTypes = "sco";
        var expiry = expiresOn.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        // account, permissions, services, resource types, start, expiry, IP, protocol, version, encryption scope, and a final newline.
        var stringToSign = string.Join('\n', accountName, Permissions, Services, ResourceTypes, string.Empty, expiry, string.Empty, string.Empty, Version, string.Empty, string.Empty);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accountKey), Encoding.UTF8.GetBytes(stringToSign)));
        return $"sv={Version}&ss={Services}&srt={ResourceTypes}&sp={Permissions}&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(signature)}";
    }
}
