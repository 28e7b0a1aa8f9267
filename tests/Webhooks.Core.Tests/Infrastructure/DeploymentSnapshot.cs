using System.Text.Json.Nodes;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// What <c>bicep snapshot</c> predicts a deployment of the compiled template creates for given parameters: the ARM
/// template engine expands every module, loop, condition and function, so resource names and app setting names are
/// plain strings. Only values known after deployment (endpoints, principal ids) stay <c>"[reference(...)]"</c>.
/// </summary>
internal sealed class DeploymentSnapshot(JsonObject root)
{
    public IReadOnlyList<JsonObject> Resources { get; } =
        [.. (root["predictedResources"]?.AsArray() ?? []).Select(resource => resource!.AsObject())];

    public JsonObject Outputs => root["outputs"]?.AsObject() ?? [];

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Single(string type) => Assert.Single(OfType(type));

    public static DeploymentSnapshot Parse(string json) => new(JsonNode.Parse(json)!.AsObject());
}
