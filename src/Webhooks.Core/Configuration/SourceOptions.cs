namespace Webhooks.Configuration;

/// <summary>One webhook source: how its deliveries are verified, limited, validated and where they go.</summary>
public sealed class SourceOptions
{
    /// <summary>
    /// <c>standard-webhooks</c>, <c>github</c>, <c>stripe</c>, <c>slack</c>, <c>hmac-sha256</c>, <c>api-key</c>, or
    /// <c>none</c> (refused outside Development). See <see cref="VerificationSchemes"/>.
    /// </summary>
    public string Verification { get; set; } = VerificationSchemes.StandardWebhooks;

    /// <summary>Every secret listed is accepted, so a provider can be switched to a new one without downtime.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>For <c>hmac-sha256</c>: the header carrying the signature. Default <c>X-Signature</c>.</summary>
    public string SignatureHeader { get; set; } = "X-Signature";

    /// <summary>For <c>hmac-sha256</c>: <c>hex</c> or <c>base64</c>. Default hex.</summary>
    public string SignatureEncoding { get; set; } = "hex";

    /// <summary>For <c>hmac-sha256</c>: a prefix stripped before decoding, such as <c>sha256=</c>.</summary>
    public string? SignaturePrefix { get; set; }

    /// <summary>For <c>api-key</c>: the header carrying the key. Default <c>x-api-key</c> (seed 004).</summary>
    public string ApiKeyHeader { get; set; } = "x-api-key";

    /// <summary>Replay window for timestamped schemes, in seconds either side of now. Default 300.</summary>
    public int ToleranceSeconds { get; set; } = 300;

    /// <summary><c>active</c>, <c>locked</c> (423), <c>payment-required</c> (402) or <c>suspended</c> (451).</summary>
    public string State { get; set; } = SourceStates.Active;

    /// <summary>Body limit in bytes; null uses <see cref="IntakeOptions.DefaultMaxBodyBytes"/>.</summary>
    public long? MaxBodyBytes { get; set; }

    /// <summary>Per-source rate limit; null means unlimited.</summary>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Required JSON fields and their types.</summary>
    public ValidationOptions Validation { get; set; } = new();

    /// <summary>Registration handshakes answered on this source's route: <c>event-grid</c>, <c>cloudevents</c>, <c>slack</c>, <c>graph</c>.</summary>
    public List<string> Handshakes { get; set; } = [];

    /// <summary>
    /// Optional dotted JSON path (like <c>data.customer</c>) whose string or number value chooses the delivery
    /// queue when there are several, so deliveries with the same value share a queue. Null or empty spreads round-robin.
    /// </summary>
    public string? PartitionKey { get; set; }

    /// <summary>
    /// Where the delivery worker forwards deliveries when the source has no <see cref="Destinations"/>; with
    /// destinations it only supplies their defaults (Timeout, Auth, RetryableStatuses) and its Url must be unset.
    /// </summary>
    public TargetOptions Target { get; set; } = new();

    /// <summary>
    /// Named destinations (<c>Destinations:&lt;dest&gt;:Url</c>, …), each taking the deliveries its filter selects.
    /// Empty: the source has one destination, <see cref="DestinationNames.Default"/>, made of <see cref="Target"/>.
    /// </summary>
    public Dictionary<string, DestinationOptions> Destinations
    {
        get;
        set => field = value.Comparer == StringComparer.OrdinalIgnoreCase ? value : new(value, StringComparer.OrdinalIgnoreCase);
    } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The effective destinations by name (case-insensitive), every setting merged: the destination's own, then
    /// <see cref="Target"/>'s, then <paramref name="delivery"/>'s (the global <c>Webhooks:Delivery</c>; default
    /// settings when null). A source without <see cref="Destinations"/> yields just <see cref="DestinationNames.Default"/>.
    /// </summary>
    public IReadOnlyDictionary<string, ResolvedDestination> ResolveDestinations(DeliveryOptions? delivery = null)
    {
        delivery ??= new DeliveryOptions();
        var resolved = new Dictionary<string, ResolvedDestination>(StringComparer.OrdinalIgnoreCase);
        if (Destinations.Count == 0)
        {
            resolved[DestinationNames.Default] = new ResolvedDestination
            {
                Name = DestinationNames.Default,
                Url = Target.Url,
                Timeout = Positive(Target.Timeout) ?? delivery.Timeout,
                RetryableStatuses = Target.RetryableStatuses,
                Auth = Target.Auth,
                Delivery = delivery,
            };
            return resolved;
        }

        foreach (var (name, destination) in Destinations)
        {
            resolved[name] = new ResolvedDestination
            {
                Name = name,
                Url = destination.Url,
                Timeout = Positive(destination.Timeout) ?? Positive(Target.Timeout) ?? delivery.Timeout,
                RetryableStatuses = destination.RetryableStatuses ?? Target.RetryableStatuses,
                Auth = destination.Auth ?? Target.Auth,
                Headers = destination.Headers,
                RateLimit = destination.RateLimit,
                Delivery = delivery.WithRetry(destination.Retry),
                Filter = Delivery.Routing.DestinationFilter.Compile(destination.Filter),
            };
        }

        return resolved;
    }

    private static TimeSpan? Positive(TimeSpan? value) => value is { } v && v > TimeSpan.Zero ? v : null;
}

/// <summary>Token-bucket rate limit for one source.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second.</summary>
    public double PermitsPerSecond { get; set; } = 50;

    /// <summary>Burst size (bucket capacity). Default: one second's worth, at least 1.</summary>
    public int? Burst { get; set; }
}

/// <summary>Per-source validation rules.</summary>
public sealed class ValidationOptions
{
    /// <summary>
    /// Required fields by dotted path (<c>data.id</c>) to JSON type: <c>string</c>, <c>number</c>, <c>integer</c>,
    /// <c>boolean</c>, <c>object</c>, <c>array</c> or <c>any</c>.
    /// </summary>
    public Dictionary<string, string> RequiredFields { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The downstream API a source's deliveries are forwarded to.</summary>
public sealed class TargetOptions
{
    /// <summary>Absolute http(s) URL.</summary>
    public string? Url { get; set; }

    /// <summary>Per-call timeout; null uses <see cref="DeliveryOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Statuses this target uses for transient trouble, requeued like 5xx (e.g. 409 or 423 for a target that locks briefly).</summary>
    public List<int> RetryableStatuses { get; set; } = [];

    /// <summary>How we authenticate to the target.</summary>
    public TargetAuthOptions Auth { get; set; } = new();
}

/// <summary>Outbound authentication.</summary>
public sealed class TargetAuthOptions
{
    /// <summary><c>none</c>, <c>header</c> (static header), <c>bearer</c> (Azure.Identity token) or <c>standard-webhooks</c> (we sign).</summary>
    public string Type { get; set; } = "none";

    /// <summary>For <c>header</c>: the header name, e.g. <c>x-api-key</c>.</summary>
    public string? Header { get; set; }

    /// <summary>For <c>header</c>: its value (a secret; keep it in Key Vault or user secrets).</summary>
    public string? Value { get; set; }

    /// <summary>For <c>bearer</c>: the token scope, e.g. <c>api://target/.default</c>.</summary>
    public string? Scope { get; set; }

    /// <summary>For <c>standard-webhooks</c>: the <c>whsec_</c> secret the target verifies with.</summary>
    public string? Secret { get; set; }
}

/// <summary>The verification scheme names.</summary>
public static class VerificationSchemes
{
    public const string StandardWebhooks = "standard-webhooks";
    public const string GitHub = "github";
    public const string Stripe = "stripe";
    public const string Slack = "slack";
    public const string HmacSha256 = "hmac-sha256";
    public const string ApiKey = "api-key";
    public const string None = "none";

    /// <summary>Every scheme name.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        StandardWebhooks, GitHub, Stripe, Slack, HmacSha256, ApiKey, None,
    };
}

/// <summary>The source state names.</summary>
public static class SourceStates
{
    public const string Active = "active";
    public const string Locked = "locked";
    public const string PaymentRequired = "payment-required";
    public const string Suspended = "suspended";

    /// <summary>Every state name.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        Active, Locked, PaymentRequired, Suspended,
    };
}
