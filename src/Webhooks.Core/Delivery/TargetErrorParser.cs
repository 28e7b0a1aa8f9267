using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Webhooks.Envelopes;
using Webhooks.Problems;

namespace Webhooks.Delivery;

/// <summary>
/// Reads a target's error body in whichever dialect it speaks (see <see cref="TargetErrorDialects"/>) so an operator
/// reads "409 userEmailConflict: The email is already used within your gym or chain" rather than bytes. Never throws.
/// </summary>
public static partial class TargetErrorParser
{
    /// <summary>Longest message kept, in characters.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>Longest summary line, in characters.</summary>
    public const int MaxSummaryLength = 300;

    private const int MaxFields = 50;
    private const int MaxMessagesPerField = 10;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Parses <paramref name="body"/> (already bounded by the caller) into the common error shape.</summary>
    /// <param name="status">The HTTP status the body came with.</param>
    /// <param name="contentType">The response's Content-Type, if any.</param>
    /// <param name="body">The response body as text, possibly cut short.</param>
    public static TargetError Parse(int status, string? contentType, string? body)
    {
        TargetError error;
        try
        {
            error = ParseCore(contentType, body);
        }
        catch (Exception)
        {
            // Never let a strange body turn into a crash: keep the start of it as text.
            var start = body is null ? null : Truncate(body.Trim(), MaxMessageLength);
            error = new TargetError { Dialect = TargetErrorDialects.Text, Message = string.IsNullOrEmpty(start) ? null : start };
        }

        error.Summary = Summarize(status, error);
        return error;
    }

    private static TargetError ParseCore(string? contentType, string? body)
    {
        var text = body?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return new TargetError { Dialect = TargetErrorDialects.Text };
        }

        if (text[0] == '{' && TryParseJsonObject(text, contentType) is { } fromJson)
        {
            return fromJson;
        }

        var looksLikeHtml = contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true || text[0] == '<';
        var message = looksLikeHtml ? HtmlToText(text) : OneLine(text);
        return new TargetError { Dialect = TargetErrorDialects.Text, Message = Truncate(message, MaxMessageLength) };
    }

    private static TargetError? TryParseJsonObject(string text, string? contentType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException)
        {
            return null; // cut short or not JSON after all: shown as text
        }

        using (document)
        {
            var root = document.RootElement;
            var errors = ReadErrors(Property(root, "errors"));
            var entity = Property(Property(root, "metadata"), "entity").AsString();
            var errorCode = Property(root, "errorCode").AsString();

            var isProblem = contentType?.Contains("problem+json", StringComparison.OrdinalIgnoreCase) == true
                || Property(root, "type").AsString() is not null
                || Property(root, "title").AsString() is not null
                || Property(root, "detail").AsString() is not null;
            if (isProblem)
            {
                return new TargetError
                {
                    Dialect = TargetErrorDialects.Problem,
                    ErrorCode = errorCode ?? Property(root, "code").AsString() ?? MeaningfulProblemType(Property(root, "type").AsString()),
                    Message = Clean(Property(root, "detail").AsString() ?? Property(root, "message").AsString() ?? Property(root, "title").AsString()),
                    Errors = errors,
                    Entity = entity,
                };
            }

            var message = Property(root, "message").AsString();
            if (errorCode is not null || (Property(root, "path").AsString() is not null && Property(root, "timestamp").ValueKind != JsonValueKind.Undefined))
            {
                return new TargetError
                {
                    Dialect = TargetErrorDialects.Egym,
                    ErrorCode = errorCode,
                    Message = Clean(message ?? Property(root, "error").AsString()),
                    Errors = errors,
                    Entity = entity,
                };
            }

            if (errors is not null)
            {
                return new TargetError { Dialect = TargetErrorDialects.Validation, Message = Clean(message), Errors = errors, Entity = entity };
            }

            // Common ad-hoc shapes: {"error": "..."}, {"error": {"code", "message"}}, {"code", "message"}, OAuth's error_description.
            var nested = Property(root, "error");
            message ??= Property(nested, "message").AsString() ?? Property(root, "error_description").AsString();
            var code = Property(root, "code").AsString() ?? Property(nested, "code").AsString() ?? (message is not null ? nested.AsString() : null);
            message ??= nested.AsString();
            return message is null && code is null
                ? new TargetError { Dialect = TargetErrorDialects.Text, Message = Truncate(OneLine(text), MaxMessageLength) }
                : new TargetError { Dialect = TargetErrorDialects.Json, ErrorCode = code, Message = Clean(message), Entity = entity };
        }
    }

    // The generic RFC status links ("https://tools.ietf.org/html/rfc9110#section-15.5.10") say nothing the status does not.
    private static string? MeaningfulProblemType(string? type) =>
        type is null || type == "about:blank"
        || type.Contains("ietf.org/", StringComparison.OrdinalIgnoreCase)
        || type.Contains("rfc-editor.org/", StringComparison.OrdinalIgnoreCase)
            ? null
            : Truncate(type, MaxMessageLength);

    // errors as {field: ["…"]}, {field: "…"}, or RFC 9457's [{detail, pointer}] / [{field, message}].
    private static Dictionary<string, string[]>? ReadErrors(JsonElement errors)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                if (result.Count >= MaxFields)
                {
                    break;
                }

                foreach (var message in Messages(field.Value))
                {
                    Add(result, field.Name, message);
                }
            }
        }
        else if (errors.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in errors.EnumerateArray())
            {
                if (result.Count >= MaxFields)
                {
                    break;
                }

                var key = Property(item, "pointer").AsString() ?? Property(item, "field").AsString() ?? Property(item, "name").AsString()
                    ?? Property(item, "property").AsString() ?? Property(item, "path").AsString() ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var message in Messages(item))
                {
                    Add(result, key, message);
                }

                index++;
            }
        }

        return result.Count == 0 ? null : result.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
    }

    private static IEnumerable<string> Messages(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                yield return value.GetString()!;
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.AsString() is { } text)
                    {
                        yield return text;
                    }
                    else if (item.ValueKind == JsonValueKind.Object && MessageOf(item) is { } nested)
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonValueKind.Object when MessageOf(value) is { } message:
                yield return message;
                break;
        }
    }

    private static string? MessageOf(JsonElement item) =>
        Property(item, "detail").AsString() ?? Property(item, "message").AsString() ?? Property(item, "title").AsString();

    private static void Add(Dictionary<string, List<string>> result, string field, string message)
    {
        if (!result.TryGetValue(field, out var list))
        {
            result[field] = list = [];
        }

        if (list.Count < MaxMessagesPerField)
        {
            list.Add(Truncate(OneLine(message), MaxMessageLength));
        }
    }

    private static string Summarize(int status, TargetError error)
    {
        var summary = new StringBuilder();
        summary.Append(status);
        if (error.ErrorCode is not null)
        {
            summary.Append(' ').Append(OneLine(error.ErrorCode));
        }

        if (error.Message is not null)
        {
            summary.Append(": ").Append(error.Message);
        }
        else if (error.ErrorCode is null && ProblemWriter.TitleFor(status) is var title && title != "Error")
        {
            summary.Append(' ').Append(title);
        }

        if (error.Errors is { Count: > 0 } errors)
        {
            summary.Append(" [");
            summary.AppendJoin("; ", errors.Select(pair => pair.Value.Length == 0 ? pair.Key : $"{pair.Key}: {pair.Value[0]}"));
            summary.Append(']');
        }

        return Truncate(summary.ToString(), MaxSummaryLength);
    }

    private static string HtmlToText(string html)
    {
        var title = TitleRegex().Match(html);
        var text = title.Success ? title.Groups[1].Value : TagRegex().Replace(ScriptRegex().Replace(html, " "), " ");
        return OneLine(WebUtility.HtmlDecode(text));
    }

    private static string? Clean(string? message) => message is null ? null : Truncate(OneLine(message), MaxMessageLength);

    private static string OneLine(string text) => WhitespaceRegex().Replace(text, " ").Trim();

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static JsonElement Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (element.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }

    private static string? AsString(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() is { Length: > 0 } text ? text : null,
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    [GeneratedRegex(@"<title[^>]*>\s*([^<]+?)\s*</title>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex TitleRegex();

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex ScriptRegex();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex WhitespaceRegex();
}
