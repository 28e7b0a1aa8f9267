using System.Security.Cryptography;
using System.Text;
using Webhooks.Configuration;
using Webhooks.Intake;
using Webhooks.Testing;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Verification;

/// <summary>Builds verification contexts and computes expected signatures independently of the code under test.</summary>
internal static class VerificationTestData
{
    /// <summary>The fixed "now" of the tests, from the shared manual clock (2026-01-01T00:00:00Z).</summary>
    public static DateTimeOffset Now { get; } = new ManualTimeProvider().GetUtcNow();

    public static long NowSeconds => Now.ToUnixTimeSeconds();

    public static SourceOptions Source(string scheme, params string[] secrets) =>
        new() { Verification = scheme, Secrets = [.. secrets] };

    public static VerificationContext Context(
        SourceOptions source,
        IEnumerable<KeyValuePair<string, string>> headers,
        byte[] body,
        DateTimeOffset? now = null,
        string sourceName = "shop",
        IReadOnlyDictionary<string, SourceOptions>? allSources = null) =>
        new(
            sourceName,
            source,
            new DictionaryRequestHeaders(headers),
            body,
            now ?? Now,
            allSources ?? new Dictionary<string, SourceOptions> { [sourceName] = source });

    public static VerificationResult Verify(
        string scheme,
        SourceOptions source,
        IEnumerable<KeyValuePair<string, string>> headers,
        byte[] body,
        DateTimeOffset? now = null) =>
        VerifierRegistry.Get(scheme).Verify(Context(source, headers, body, now));

    public static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>HMAC-SHA256 computed directly with the BCL, concatenating the signed content by hand.</summary>
    public static byte[] Hmac(byte[] key, string signedContent) => HMACSHA256.HashData(key, Utf8(signedContent));

    public static string HmacHex(string secret, string signedContent) =>
        Convert.ToHexString(Hmac(Utf8(secret), signedContent)).ToLowerInvariant();

    public static string HmacBase64(byte[] key, string signedContent) => Convert.ToBase64String(Hmac(key, signedContent));
}
