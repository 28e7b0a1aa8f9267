using System.Text.Json.Serialization;

namespace Webhooks.Cli.Output;

/// <summary>A configured source as <c>sources list --json</c> shows it (no secrets).</summary>
internal sealed record SourceSummary(string Name, string Verification, int Secrets, string State, IReadOnlyList<string> Handshakes, string? Target);

/// <summary>What <c>send --json</c> prints.</summary>
internal sealed record SendResult(string Url, string DeliveryId, int Status, string? ContentType, string Body);

/// <summary>JSON for the CLI's own output shapes, with the dead-letter API's conventions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<SourceSummary>))]
[JsonSerializable(typeof(SendResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
