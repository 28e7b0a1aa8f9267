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
            return JsonDocument.Parse(SenderJson.WithoutByteOrderMark(body), DocumentOptions);
        }
        catch (JsonException ex)
        {
            errorCode = Problems.ErrorCodes.InvalidJson;
            reason = $"The body is not valid JSON: {Describe(body.Span, ex)}.";
            return null;
        }
    }

    // The parser's own message speaks of reader options and final blocks; the streaming validator, which accepts
    // exactly the same texts, says what is wrong in the sender's terms and where.
    private static string Describe(ReadOnlySpan<byte> body, JsonException ex)
    {
        var validator = new Streaming.StreamingJsonValidator(new Streaming.JsonPathWatch([]));
        validator.Append(body);
        validator.Complete();
        return validator.Error
            ?? $"the JSON is malformed (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
    }

    /// <summary>Every failing field of <paramref name="rules"/>, as field → messages; empty when all pass.</summary>
    public static Dictionary<string, string[]> Validate(JsonElement root, ValidationOptions rules) =>
        Validate(rules, path => TryResolve(root, path, out var value)
            ? (value.ValueKind, value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _))
            : null);

    /// <summary>
    /// Every failing field of <paramref name="rules"/>, given what each path holds (its kind and, for numbers,
    /// whether it is a 64-bit integer; null when absent) — so a streamed body is judged exactly like a parsed one.
    /// </summary>
    internal static Dictionary<string, string[]> Validate(ValidationOptions rules, Func<string, (JsonValueKind Kind, bool IsInt64)?> resolve)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, type) in rules.RequiredFields)
        {
            var value = resolve(path);
            if (value is null || value.Value.Kind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                errors[path] = [$"The {path} field is required."];
            }
            else if (!HasType(value.Value.Kind, value.Value.IsInt64, type))
            {
                errors[path] = [$"The {path} field must be of type {type.ToLowerInvariant()}."];
            }
        }

        return errors;
    }

    /// <summary>The value at a dotted path (every step an object property; the last duplicate wins), unless absent or null.</summary>
    public static bool TryResolve(JsonElement root, string path, out JsonElement value)
    {
        value = root;
        foreach (var segment in path.Split('.'))
        {
            if (!SenderJson.TryGetProperty(value, segment, out value))
            {
                return false;
            }
        }

        return value.ValueKind != JsonValueKind.Null;
    }

    private static bool HasType(JsonValueKind kind, bool isInt64, string type) => type.ToLowerInvariant() switch
    {
        "string" => kind == JsonValueKind.String,
        "number" => kind == JsonValueKind.Number,
        "integer" => kind == JsonValueKind.Number && isInt64,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        _ => true,
    };
}
