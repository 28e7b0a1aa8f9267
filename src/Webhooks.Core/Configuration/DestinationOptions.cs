namespace Webhooks.Configuration;

/// <summary>
/// One named destination of a source (<c>Webhooks:Sources:&lt;name&gt;:Destinations:&lt;dest&gt;</c>): where its
/// share of the deliveries goes and how. Every unset setting falls back to the source's <see cref="SourceOptions.Target"/>,
/// then to <c>Webhooks:Delivery</c>; <see cref="SourceOptions.ResolveDestinations"/> does the merging.
/// </summary>
public sealed class DestinationOptions
{
    /// <summary>Absolute http(s) URL.</summary>
    public string? Url { get; set; }

    /// <summary>Per-call timeout; null uses the source's <c>Target:Timeout</c>, then <see cref="DeliveryOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Statuses this destination uses for transient trouble; null uses the source's <c>Target:RetryableStatuses</c>.</summary>
    public List<int>? RetryableStatuses { get; set; }

    /// <summary>How we authenticate to this destination; null uses the source's <c>Target:Auth</c>.</summary>
    public TargetAuthOptions? Auth { get; set; }

    /// <summary>Static headers added to every call to this destination (name → value), e.g. a tenant id.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Outbound calls per second to this destination, per instance; null is unlimited. A delivery over the limit is
    /// put back for a moment without spending an attempt.
    /// </summary>
    public double? RateLimit { get; set; }

    /// <summary>Overrides of the <c>Webhooks:Delivery</c> retry settings for this destination.</summary>
    public DestinationRetryOptions? Retry { get; set; }

    /// <summary>
    /// Which deliveries this destination takes; every entry must match, and no entry takes everything. Key: a dotted
    /// JSON path into the body (<c>data.object.status</c>) or <c>header:&lt;Name&gt;</c> (a request header intake kept).
    /// Value: an exact value, a comma-separated list (<c>paid,void</c>) or a prefix ending in <c>*</c> (<c>invoice.*</c>).
    /// </summary>
    public Dictionary<string, string> Filter { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Per-destination overrides of the global retry settings; null keeps <c>Webhooks:Delivery</c>'s.</summary>
public sealed class DestinationRetryOptions
{
    /// <summary>See <see cref="DeliveryOptions.MaxAttempts"/>.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>See <see cref="DeliveryOptions.MaxAge"/>.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>See <see cref="DeliveryOptions.BaseDelay"/>.</summary>
    public TimeSpan? BaseDelay { get; set; }

    /// <summary>See <see cref="DeliveryOptions.MaxDelay"/>.</summary>
    public TimeSpan? MaxDelay { get; set; }

    /// <summary>See <see cref="DeliveryOptions.BackoffFactor"/>.</summary>
    public double? BackoffFactor { get; set; }
}
