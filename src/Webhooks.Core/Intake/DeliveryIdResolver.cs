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
        var fromBody = DeliveryIdExtractor.FromHeaders(scheme, headers) is null ? DeliveryIdExtractor.FromJsonBody(scheme, body) : null;
        return Provided(scheme, headers, fromBody) ?? Mint(newGuid);
    }

    /// <summary>
    /// The id the sender gave (scheme header, then <paramref name="idFromBody"/> — the body's id for schemes that
    /// carry one there — then a generic id header), or null when it gave none. Only provided ids are deduplicated.
    /// </summary>
    public static string? Provided(string scheme, IRequestHeaders headers, string? idFromBody)
    {
        var id = DeliveryIdExtractor.FromHeaders(scheme, headers) ?? idFromBody;
        foreach (var name in GenericIdHeaders)
        {
            if (id is not null)
            {
                break;
            }

            id = headers.Count(name) == 1 && DeliveryIdExtractor.IsUsable(headers[name]) ? headers[name] : null;
        }

        return id;
    }

    /// <summary>An id of our own, for deliveries that came without one.</summary>
    public static string Mint(Func<Guid> newGuid) => "wh_" + newGuid().ToString("N");
}
