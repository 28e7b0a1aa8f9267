using System.Text.Json.Serialization;

namespace Webhooks.Hosting.Console;

/// <summary>The configured sources as the console shows them (<c>GET /api/admin/sources</c>); never a secret.</summary>
internal sealed record ConsoleSources(IReadOnlyList<ConsoleSource> Sources);

/// <summary>One source: what to register with the provider and how it is handled.</summary>
/// <param name="Name">The source name.</param>
/// <param name="IntakePath">The intake route, <c>/api/webhooks/{name}</c>.</param>
/// <param name="IntakeUrl">The intake URL as reached through this request's host: the URL to give the provider.</param>
/// <param name="Verification">The verification scheme.</param>
/// <param name="State">active, locked, payment-required or suspended.</param>
/// <param name="SecretCount">Secrets accepted right now (two while a rotation is in progress); never the secrets themselves.</param>
/// <param name="MaxBodyBytes">The body limit.</param>
/// <param name="RateLimit">The per-instance rate limit; null when unlimited.</param>
/// <param name="Target">Where deliveries go.</param>
/// <param name="Handshakes">Registration handshakes answered on the route, and when this instance last answered each.</param>
/// <param name="Destinations">Its destinations by name (fan-out; <c>default</c> alone for a source with only a Target), without credentials.</param>
internal sealed record ConsoleSource(
    string Name,
    string IntakePath,
    string IntakeUrl,
    string Verification,
    string State,
    int SecretCount,
    long MaxBodyBytes,
    ConsoleRateLimit? RateLimit,
    ConsoleTarget Target,
    IReadOnlyList<ConsoleHandshake> Handshakes,
    IReadOnlyList<ConsoleDestination> Destinations);

/// <summary>One destination of a source, without credentials.</summary>
/// <param name="Name">The destination name.</param>
/// <param name="Url">Scheme, host and path only.</param>
/// <param name="Filter">Which deliveries it takes (<see cref="Webhooks.Delivery.Routing.DestinationFilter.Summary"/>).</param>
/// <param name="Paused">Whether this instance has paused it after an account-level failure.</param>
internal sealed record ConsoleDestination(string Name, string? Url, string Filter, bool Paused);

/// <summary>A source's rate limit.</summary>
internal sealed record ConsoleRateLimit(double PermitsPerSecond, int Burst);

/// <summary>A source's target, without credentials.</summary>
/// <param name="Url">Scheme, host and path only.</param>
/// <param name="AuthType">none, header, bearer or standard-webhooks.</param>
/// <param name="Paused">Whether this instance has paused it after an account-level failure.</param>
internal sealed record ConsoleTarget(string? Url, string AuthType, bool Paused);

/// <summary>A registration handshake and when this instance last answered it (null: not since it started).</summary>
internal sealed record ConsoleHandshake(string Name, DateTimeOffset? LastAnsweredAt);

/// <summary>JSON for the console's admin bodies, with the dead-letter API's conventions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConsoleSources))]
[JsonSerializable(typeof(ActivityWindow))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
