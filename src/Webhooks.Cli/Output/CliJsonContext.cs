using System.Text.Json.Serialization;

namespace Webhooks.Cli.Output;

/// <summary>A configured source as <c>sources list --json</c> shows it (no secrets).</summary>
/// <param name="Target">The single target's URL (redacted); null for a source with named destinations.</param>
/// <param name="Destinations">The named destinations; null (left out) for a single-target source.</param>
internal sealed record SourceSummary(string Name, string Verification, int Secrets, string State, IReadOnlyList<string> Handshakes, string? Target, IReadOnlyList<DestinationSummary>? Destinations = null);

/// <summary>One named destination of a source: its URL's host (never the path or query) and which deliveries it takes.</summary>
internal sealed record DestinationSummary(string Name, string? Host, string Filter);

/// <summary>What <c>send --json</c> prints.</summary>
internal sealed record SendResult(string Url, string DeliveryId, int Status, string? ContentType, string Body);

/// <summary>JSON for the CLI's own output shapes, with the dead-letter API's conventions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<SourceSummary>))]
[JsonSerializable(typeof(SendResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
