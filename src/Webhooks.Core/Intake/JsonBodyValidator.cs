using System.Text;
using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake;

/// <summary>
/// Checks that a body is well-formed UTF-8 JSON (400) and that it carries the source's required fields with the
/// right types (422, every failing field listed).
/// </summary>
public static class JsonBodyValidator
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The type names a rule may use.</summary>
    public static readonly IReadOnlySet<string> TypeNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "string", "number", "integer", "boolean", "object", "array", "any",
    };

    /// <summary>Parses the body; returns null and a reason when it is not valid UTF-8 JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, out string? errorCode, out string? reason)
    {
        errorCode = null;
        reason = null;
        try
        {
            _ = StrictUtf8.GetCharCount(body.Span);
        }
        catch (DecoderFallbackException)
        {
            errorCode = Problems.ErrorCodes.InvalidEncoding;
            reason = "The body is not valid UTF-8.";
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            errorCode = Problems.ErrorCodes.InvalidJson;
            reason = $"The body is not valid JSON: {ex.Message}";
            return null;
        }
    }

    /// <summary>Every failing field of <paramref name="rules"/>, as field → messages; empty when all pass.</summary>
    public static Dictionary<string, string[]> Validate(JsonElement root, ValidationOptions rules)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, type) in rules.RequiredFields)
        {
            if (!TryResolve(root, path, out var value))
            {
                errors[path] = [$"The {path} field is required."];
            }
            else if (!HasType(value, type))
            {
                errors[path] = [$"The {path} field must be of type {type.ToLowerInvariant()}."];
            }
        }

        return errors;
    }

    private static bool TryResolve(JsonElement root, string path, out JsonElement value)
    {
        value = root;
        foreach (var segment in path.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return value.ValueKind != JsonValueKind.Null;
    }

    private static bool HasType(JsonElement value, string type) => type.ToLowerInvariant() switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => true,
    };
}
