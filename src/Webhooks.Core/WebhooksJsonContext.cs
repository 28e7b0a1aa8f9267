using System.Text.Json.Serialization;
using Webhooks.Envelopes;

namespace Webhooks;

/// <summary>Source-generated JSON metadata for everything we put on a queue: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeliveryEnvelope))]
[JsonSerializable(typeof(DeadLetterRecord))]
[JsonSerializable(typeof(Dedup.DedupRecord))]
internal sealed partial class WebhooksJsonContext : JsonSerializerContext;
