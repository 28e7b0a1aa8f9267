using Webhooks.Delivery.Routing;

namespace Webhooks.Configuration;

/// <summary>
/// A destination with every setting merged (destination, then the source's <c>Target</c>, then <c>Webhooks:Delivery</c>):
/// what the delivery side uses for one call. Built by <see cref="SourceOptions.ResolveDestinations"/>.
/// </summary>
public sealed class ResolvedDestination
{
    /// <summary>The destination name (<see cref="DestinationNames.Default"/> for a single-target source).</summary>
    public required string Name { get; init; }

    /// <summary>Absolute http(s) URL, or null when none is configured (its deliveries dead-letter <c>targetNotConfigured</c>).</summary>
    public string? Url { get; init; }

    /// <summary>The per-call timeout.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Extra statuses requeued like 5xx.</summary>
    public IReadOnlyList<int> RetryableStatuses { get; init; } = [];

    /// <summary>Outbound authentication.</summary>
    public required TargetAuthOptions Auth { get; init; }

    /// <summary>Static headers added to every call.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Calls per second to this destination per instance; null is unlimited.</summary>
    public double? RateLimit { get; init; }

    /// <summary>The delivery settings with this destination's retry overrides applied (attempts, age, backoff).</summary>
    public required DeliveryOptions Delivery { get; init; }

    /// <summary>Which deliveries it takes.</summary>
    public DestinationFilter Filter { get; init; } = DestinationFilter.Everything;

    /// <summary>Whether this is the <see cref="DestinationNames.Default"/> destination (old keys: id, pause row).</summary>
    public bool IsDefault => DestinationNames.IsDefault(Name);

    /// <summary>The outbound Idempotency-Key for <paramref name="deliveryId"/>.</summary>
    public string IdempotencyKey(string deliveryId) => DestinationNames.IdempotencyKey(deliveryId, Name);

    /// <summary>The key of this destination's pause under <paramref name="source"/>.</summary>
    public string PauseKey(string source) => DestinationNames.PauseKey(source, Name);
}
