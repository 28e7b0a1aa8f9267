using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// Every inbound verifier by scheme name (case-insensitive), plus the start-up checks a source's verification
/// settings must pass. Verifiers are stateless, so one instance of each serves every request.
/// </summary>
public static class VerifierRegistry
{
    private static readonly FrozenDictionary<string, ISignatureVerifier> Verifiers =
        new ISignatureVerifier[]
        {
            new StandardWebhooksVerifier(),
            new GitHubVerifier(),
            new StripeVerifier(),
            new SlackVerifier(),
            new HmacSha256Verifier(),
            new ApiKeyVerifier(),
            new NoneVerifier(),
        }.ToFrozenDictionary(v => v.Scheme, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every scheme name a verifier exists for.</summary>
    public static IReadOnlyCollection<string> Schemes => Verifiers.Keys;

    /// <summary>Whether a verifier exists for the scheme.</summary>
    public static bool IsKnown([NotNullWhen(true)] string? scheme) => scheme is not null && Verifiers.ContainsKey(scheme);

    /// <summary>The verifier for a scheme, or false when none exists.</summary>
    public static bool TryGet([NotNullWhen(true)] string? scheme, [NotNullWhen(true)] out ISignatureVerifier? verifier)
    {
        verifier = null;
        return scheme is not null && Verifiers.TryGetValue(scheme, out verifier);
    }

    /// <summary>The verifier for a scheme.</summary>
    /// <exception cref="ArgumentException">No verifier exists for the scheme (a configuration error, caught at start-up by <see cref="Validate"/>).</exception>
    public static ISignatureVerifier Get(string scheme) =>
        TryGet(scheme, out var verifier)
            ? verifier
            : throw new ArgumentException($"Unknown verification scheme '{scheme}'. Known: {string.Join(", ", Schemes)}.", nameof(scheme));

    /// <summary>
    /// Whether a source with this scheme may be loaded: the scheme must be known, and <c>none</c> only in
    /// Development.
    /// </summary>
    public static bool IsAllowed(string? scheme, bool isDevelopment) =>
        IsKnown(scheme) && (isDevelopment || !string.Equals(scheme, VerificationSchemes.None, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The problems with a source's verification settings, empty when it is fine: an unknown scheme, <c>none</c>
    /// outside Development, no usable secret, a malformed <c>whsec_</c> secret, an unknown signature encoding, a
    /// blank header name. Meant for start-up validation so a bad source never takes traffic.
    /// </summary>
    public static IReadOnlyList<string> Validate(string sourceName, SourceOptions source, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(source);
        var errors = new List<string>();
        var scheme = source.Verification;
        var prefix = $"Webhooks:Sources:{sourceName}";

        if (!IsKnown(scheme))
        {
            errors.Add($"{prefix}:Verification '{scheme}' is not one of: {string.Join(", ", Schemes)}.");
            return errors;
        }

        if (!IsAllowed(scheme, isDevelopment))
        {
            errors.Add($"{prefix}:Verification 'none' is only allowed in the Development environment.");
            return errors;
        }

        if (string.Equals(scheme, VerificationSchemes.None, StringComparison.OrdinalIgnoreCase))
        {
            return errors;
        }

        var secrets = source.Secrets ?? [];
        if (!secrets.Exists(s => !string.IsNullOrWhiteSpace(s)))
        {
            errors.Add($"{prefix}:Secrets must list at least one non-empty secret for '{scheme}'.");
        }

        if (string.Equals(scheme, VerificationSchemes.StandardWebhooks, StringComparison.OrdinalIgnoreCase))
        {
            for (var i = 0; i < secrets.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(secrets[i]) && !StandardWebhooksSecret.IsWellFormed(secrets[i]))
                {
                    errors.Add($"{prefix}:Secrets:{i} starts with '{StandardWebhooksSecret.Prefix}' but the rest is not base64.");
                }
            }
        }

        if (string.Equals(scheme, VerificationSchemes.HmacSha256, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(source.SignatureHeader))
            {
                errors.Add($"{prefix}:SignatureHeader must name the header carrying the signature.");
            }

            if (!string.Equals(source.SignatureEncoding, HmacSha256Verifier.HexEncoding, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(source.SignatureEncoding, HmacSha256Verifier.Base64Encoding, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{prefix}:SignatureEncoding '{source.SignatureEncoding}' must be 'hex' or 'base64'.");
            }
        }

        if (string.Equals(scheme, VerificationSchemes.ApiKey, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrWhiteSpace(source.ApiKeyHeader))
        {
            errors.Add($"{prefix}:ApiKeyHeader must name the header carrying the key.");
        }

        if (source.ToleranceSeconds <= 0)
        {
            errors.Add($"{prefix}:ToleranceSeconds must be positive (default {UnixTimestamp.DefaultToleranceSeconds}).");
        }

        return errors;
    }
}
