using Microsoft.Extensions.Options;

namespace Webhooks.Configuration;

/// <summary>
/// Fails closed on Key Vault references App Service could not resolve. Until the secret exists, the app sees the
/// literal <c>@Microsoft.KeyVault(SecretUri=…)</c> text — a guessable admin key or HMAC secret. Such values are
/// dropped, so an admin key never matches and a source left without secrets stops the app at start (validation).
/// </summary>
public sealed class UnresolvedSecretFilter : IPostConfigureOptions<WebhooksOptions>
{
    private const string Marker = "@Microsoft.KeyVault(";

    /// <summary>Whether a configured secret is an unresolved Key Vault reference.</summary>
    public static bool IsUnresolved(string? value) =>
        value is not null && value.TrimStart().StartsWith(Marker, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void PostConfigure(string? name, WebhooksOptions options)
    {
        options.Admin.ApiKeys.RemoveAll(IsUnresolved);
        foreach (var source in options.Sources.Values)
        {
            source.Secrets.RemoveAll(IsUnresolved);
            DropUnresolved(source.Target.Auth);
            foreach (var destination in source.Destinations.Values)
            {
                DropUnresolved(destination?.Auth);
            }
        }
    }

    private static void DropUnresolved(TargetAuthOptions? auth)
    {
        if (auth is null)
        {
            return;
        }

        if (IsUnresolved(auth.Value))
        {
            auth.Value = null;
        }

        if (IsUnresolved(auth.Secret))
        {
            auth.Secret = null;
        }
    }
}
