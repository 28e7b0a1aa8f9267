using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Webhooks.Verification;

/// <summary>Every signer by scheme name (case-insensitive), mirroring <see cref="VerifierRegistry"/>.</summary>
public static class WebhookSigners
{
    private static readonly FrozenDictionary<string, IWebhookSigner> Signers =
        new IWebhookSigner[]
        {
            StandardWebhooksSigner.Instance,
            GitHubSigner.Instance,
            StripeSigner.Instance,
            SlackSigner.Instance,
            HmacSha256Signer.Instance,
            ApiKeySigner.Instance,
            NoneSigner.Instance,
        }.ToFrozenDictionary(s => s.Scheme, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every scheme name a signer exists for.</summary>
    public static IReadOnlyCollection<string> Schemes => Signers.Keys;

    /// <summary>The signer for a scheme, or false when none exists.</summary>
    public static bool TryGet([NotNullWhen(true)] string? scheme, [NotNullWhen(true)] out IWebhookSigner? signer)
    {
        signer = null;
        return scheme is not null && Signers.TryGetValue(scheme, out signer);
    }

    /// <summary>The signer for a scheme.</summary>
    /// <exception cref="ArgumentException">No signer exists for the scheme.</exception>
    public static IWebhookSigner Get(string scheme) =>
        TryGet(scheme, out var signer)
            ? signer
            : throw new ArgumentException($"Unknown verification scheme '{scheme}'. Known: {string.Join(", ", Schemes)}.", nameof(scheme));

    /// <summary>
    /// Signs for a source: uses <paramref name="context"/>'s <see cref="SigningContext.Source"/> scheme
    /// (<see cref="Configuration.SourceOptions.Verification"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The context has no source, or its scheme is unknown.</exception>
    public static SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Source is null)
        {
            throw new ArgumentException("The signing context names no source, so the scheme is unknown.", nameof(context));
        }

        return Get(context.Source.Verification).CreateHeaders(context);
    }
}
