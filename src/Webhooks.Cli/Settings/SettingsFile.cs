using System.Text.Json;

namespace Webhooks.Cli.Settings;

/// <summary>
/// Reads a settings file into configuration keys: an <c>appsettings.json</c> (nested objects) or a Functions
/// <c>local.settings.json</c>, whose <c>"Values"</c> hold flat keys with <c>__</c> or <c>:</c> separators.
/// </summary>
internal static class SettingsFile
{
    public static Dictionary<string, string?> Read(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"The settings file '{file.FullName}' does not exist.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(file.FullName), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"The settings file '{file.FullName}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliUsageException($"The settings file '{file.FullName}' must hold a JSON object.");
            }

            if (root.TryGetProperty("Values", out var localValues) && localValues.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in localValues.EnumerateObject())
                {
                    values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = Scalar(property.Value);
                }
            }
            else
            {
                Flatten(root, null, values);
            }

            return values;
        }
    }

    /// <summary>Environment variable names to configuration keys (<c>Webhooks__Queues__Deliveries</c> → <c>Webhooks:Queues:Deliveries</c>).</summary>
    public static Dictionary<string, string?> FromEnvironment(IReadOnlyDictionary<string, string> environment) =>
        environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}", values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{index++}", values);
                }

                break;
            default:
                if (prefix is not null)
                {
                    values[prefix] = Scalar(element);
                }

                break;
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
