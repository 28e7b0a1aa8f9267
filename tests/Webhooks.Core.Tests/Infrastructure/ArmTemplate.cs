using System.Text.Json.Nodes;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// A compiled ARM template (the JSON <c>bicep build</c> writes). Values stay as compiled: literals are exact, while
/// anything computed is an expression string such as <c>"[format(...)]"</c>.
/// </summary>
internal sealed class ArmTemplate(JsonObject root, string path)
{
    /// <summary>Where the template sits: <c>main</c>, or <c>main → storage</c> for a module's nested template.</summary>
    public string Path { get; } = path;

    public JsonObject Parameters => root["parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => root["outputs"]?.AsObject() ?? [];

    /// <summary>User-defined types (Bicep <c>type</c> declarations).</summary>
    public JsonObject Definitions => root["definitions"]?.AsObject() ?? [];

    /// <summary>
    /// The template's own resources: an array in classic templates, an object keyed by symbolic name in
    /// languageVersion 2.0 (which Bicep emits when the file uses user-defined types).
    /// </summary>
    public IEnumerable<JsonObject> Resources => root["resources"] switch
    {
        JsonArray array => array.Select(resource => resource!.AsObject()),
        JsonObject symbolic => symbolic.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    /// <summary>This template and every module's nested template below it (modules compile to deployments).</summary>
    public IEnumerable<ArmTemplate> SelfAndNested()
    {
        yield return this;
        foreach (var deployment in Resources.Where(r => (string?)r["type"] == "Microsoft.Resources/deployments"))
        {
            if (deployment["properties"]?["template"] is JsonObject nested)
            {
                var name = (string?)deployment["name"];
                foreach (var template in new ArmTemplate(nested, $"{Path} → {name}").SelfAndNested())
                {
                    yield return template;
                }
            }
        }
    }

    /// <summary>Resources of one type anywhere in the template, modules included, with the template holding each.</summary>
    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> ResourcesOfType(string type) =>
        SelfAndNested().SelectMany(template => template.Resources
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase))
            .Select(r => (template, r)));

    public static ArmTemplate Parse(string json) => new(JsonNode.Parse(json)!.AsObject(), "main");
}
