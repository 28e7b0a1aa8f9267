using System.Text.Json.Serialization;

namespace Webhooks.DeadLetters;

/// <summary>
/// The JSON shapes of the dead-letter API (CLI <c>--json</c>, export lines, admin API bodies): camelCase, nulls
/// left out, the same conventions as the queue payloads. Source-generated, no reflection.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeadLetterEntry))]
[JsonSerializable(typeof(DeadLetterSummary))]
[JsonSerializable(typeof(DeadLetterPage))]
[JsonSerializable(typeof(DeadLetterStats))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(PurgeResult))]
[JsonSerializable(typeof(IReadOnlyList<QueueStats>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, long>>))]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
