using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake;

/// <summary>
/// Names a delivery: the provider's own id when it sends one (so provider retries and our dedup line up), otherwise
/// one we mint. Provider ids are kept only when short and printable, since they travel in headers and logs.
/// </summary>
public static class DeliveryIdResolver
{
    private const int MaxLength = 128;

    /// <summary>The delivery id for a verified request and its parsed body.</summary>
    public static string Resolve(string scheme, IRequestHeaders headers, JsonElement body, Func<Guid> newGuid)
    {
        var id = scheme.ToLowerInvariant() switch
        {
            VerificationSchemes.StandardWebhooks => headers["webhook-id"],
            VerificationSchemes.GitHub => headers["X-GitHub-Delivery"],
            VerificationSchemes.Stripe => StringProperty(body, "id"),
            VerificationSchemes.Slack => StringProperty(body, "event_id"),
            _ => null,
        };

        id ??= headers["ce-id"] ?? headers["Idempotency-Key"] ?? headers["X-Request-Id"];
        return IsUsable(id) ? id! : "wh_" + newGuid().ToString("N");
    }

    private static string? StringProperty(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool IsUsable(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
