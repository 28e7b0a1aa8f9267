namespace Webhooks.Delivery;

/// <summary>The values of <see cref="Configuration.TargetAuthOptions.Type"/>.</summary>
public static class TargetAuthTypes
{
    /// <summary>No authentication.</summary>
    public const string None = "none";

    /// <summary>A static header such as <c>x-api-key</c> (seed 004).</summary>
    public const string Header = "header";

    /// <summary>An Entra ID bearer token for a scope, from Azure.Identity.</summary>
    public const string Bearer = "bearer";

    /// <summary>We sign each call with the target's <c>whsec_</c> secret.</summary>
    public const string StandardWebhooks = "standard-webhooks";
}
