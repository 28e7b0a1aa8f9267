using Webhooks.Verification;

namespace Webhooks.Intake;

/// <summary>
/// Names a delivery: the provider's own id when it sends one (so provider retries and dedup line up) — see
/// <see cref="DeliveryIdExtractor"/> — then a generic id header (CloudEvents <c>ce-id</c>, <c>Idempotency-Key</c>),
/// otherwise one we mint.
/// </summary>
public static class DeliveryIdResolver
{
    private static readonly string[] GenericIdHeaders = ["ce-id", "Idempotency-Key"];

    /// <summary>The delivery id for a verified request.</summary>
    public static string Resolve(string scheme, IRequestHeaders headers, ReadOnlySpan<byte> body, Func<Guid> newGuid)
    {
        var id = DeliveryIdExtractor.Extract(scheme, headers, body);
        foreach (var name in GenericIdHeaders)
        {
            if (id is not null)
            {
                break;
            }

            id = headers.Count(name) == 1 && DeliveryIdExtractor.IsUsable(headers[name]) ? headers[name] : null;
        }

        return id ?? "wh_" + newGuid().ToString("N");
    }
}
