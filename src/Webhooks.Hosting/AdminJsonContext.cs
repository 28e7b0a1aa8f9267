using System.Text.Json.Serialization;
using Webhooks.Delivery;

namespace Webhooks.Hosting;

/// <summary>Paused targets, from the shared pause table (<c>GET /api/admin/targets</c>).</summary>
internal sealed record AdminTargets(IReadOnlyList<TargetPauseState> Paused);

/// <summary>The answer to <c>POST /api/admin/targets/{source}/resume</c>: false when the target was not paused.</summary>
internal sealed record AdminResumeResult(string Source, bool Resumed);

/// <summary>JSON for the admin API's own small bodies, with the dead-letter API's conventions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminTargets))]
[JsonSerializable(typeof(AdminResumeResult))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
