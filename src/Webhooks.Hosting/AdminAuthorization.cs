using System.Security.Cryptography;
using System.Text;
using Webhooks.Problems;

namespace Webhooks.Hosting;

/// <summary>
/// Checks the <c>x-api-key</c> of an admin request against <c>Webhooks:Admin:ApiKeys</c> in constant time (both
/// sides hashed first so neither length nor content leaks through timing, and every key is compared).
/// </summary>
internal static class AdminAuthorization
{
    public const string HeaderName = "x-api-key";

    /// <summary>Null when the key is an admin key; otherwise the 401 (no key) or 403 (not an admin key) problem.</summary>
    public static Problem? Check(string? presentedKey, IReadOnlyCollection<string> adminKeys)
    {
        // With no admin keys configured the API is closed to everyone (401), as AdminOptions documents.
        if (string.IsNullOrEmpty(presentedKey) || adminKeys.All(string.IsNullOrEmpty))
        {
            return new Problem(401, ErrorCodes.MissingApiKey, $"An admin API key is required in the {HeaderName} header.")
                .WithHeader("WWW-Authenticate", $"ApiKey header=\"{HeaderName}\"");
        }

        return IsAdminKey(presentedKey, adminKeys)
            ? null
            : new Problem(403, ErrorCodes.MissingPermission, "This endpoint is for administrators only.");
    }

    private static bool IsAdminKey(string presentedKey, IEnumerable<string> adminKeys)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> candidate = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), presented);
        var match = false;
        foreach (var key in adminKeys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(key), candidate);
            match |= CryptographicOperations.FixedTimeEquals(presented, candidate);
        }

        return match;
    }
}
