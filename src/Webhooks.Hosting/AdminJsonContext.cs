using System.Text.Json.Serialization;
using Webhooks.Delivery;

namespace Webhooks.Hosting;

/// <summary>Paused targets, from the shared pause table (<c>GET /api/admin/targets</c>).</summary>
internal sealed record AdminTargets(IReadOnlyList<TargetPauseState> Paused);

/// <summary>
/// The answer to <c>POST /api/admin/targets/{source}[/{destination}]/resume</c>: the source and destination apart (as
/// the paused-target views list them), the pause key, and false when the target was not paused.
/// </summary>
internal sealed record AdminResumeResult(string Source, string Destination, string Target, bool Resumed);

/// <summary>JSON for the admin API's own small bodies, with the dead-letter API's conventions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminTargets))]
[JsonSerializable(typeof(AdminResumeResult))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
