using System.Buffers;
using System.Text.Json;

namespace Webhooks.Problems;

/// <summary>
/// The one place that decides what an error body looks like: <c>application/problem+json</c> (RFC 9457) with the
/// fields the seed documents use as well — <c>error</c>, <c>errorCode</c>, <c>message</c>, <c>errors</c>,
/// <c>timestamp</c>, <c>path</c>, <c>metadata.entity</c> — and a <c>traceId</c>.
/// </summary>
public static class ProblemWriter
{
    /// <summary>The media type of every error body.</summary>
    public const string ContentType = "application/problem+json";

    private static readonly Dictionary<int, (string Type, string Title)> Defaults = new()
    {
        [400] = ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
        [401] = ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
        [402] = ("https://tools.ietf.org/html/rfc9110#section-15.5.3", "Payment Required"),
        [403] = ("https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden"),
        [404] = ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
        [405] = ("https://tools.ietf.org/html/rfc9110#section-15.5.6", "Method Not Allowed"),
        [406] = ("https://tools.ietf.org/html/rfc9110#section-15.5.7", "Not Acceptable"),
        [408] = ("https://tools.ietf.org/html/rfc9110#section-15.5.9", "Request Timeout"),
        [409] = ("https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"),
        [413] = ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large"),
        [415] = ("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported Media Type"),
        [422] = ("https://tools.ietf.org/html/rfc9110#section-15.5.21", "Unprocessable Content"),
        [423] = ("https://tools.ietf.org/html/rfc4918#section-11.3", "Locked"),
        [429] = ("https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"),
        [451] = ("https://tools.ietf.org/html/rfc7725#section-3", "Unavailable For Legal Reasons"),
        [500] = ("https://tools.ietf.org/html/rfc9110#section-15.6.1", "Internal Server Error"),
        [502] = ("https://tools.ietf.org/html/rfc9110#section-15.6.3", "Bad Gateway"),
        [503] = ("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable"),
        [504] = ("https://tools.ietf.org/html/rfc9110#section-15.6.5", "Gateway Timeout"),
    };

    /// <summary>The reason phrase for a status (the <c>title</c> and <c>error</c> fields).</summary>
    public static string TitleFor(int status) => Defaults.TryGetValue(status, out var d) ? d.Title : "Error";

    /// <summary>The RFC section URI for a status (the <c>type</c> field).</summary>
    public static string TypeFor(int status) => Defaults.TryGetValue(status, out var d) ? d.Type : "about:blank";

    /// <summary>Serializes <paramref name="problem"/> as UTF-8 JSON.</summary>
    /// <param name="problem">The error.</param>
    /// <param name="path">The request path (both <c>instance</c> and <c>path</c>).</param>
    /// <param name="timestamp">When it happened.</param>
    /// <param name="traceId">The W3C trace id or request id, so operators can find the log lines.</param>
    public static byte[] Serialize(Problem problem, string path, DateTimeOffset timestamp, string? traceId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var title = TitleFor(problem.Status);
            json.WriteStartObject();
            json.WriteString("type", TypeFor(problem.Status));
            json.WriteString("title", title);
            json.WriteNumber("status", problem.Status);
            json.WriteString("detail", problem.Message);
            json.WriteString("instance", path);
            json.WriteString("error", title);
            json.WriteString("errorCode", problem.ErrorCode);
            json.WriteString("message", problem.Message);
            if (problem.Errors is { Count: > 0 } errors)
            {
                json.WriteStartObject("errors");
                foreach (var (field, messages) in errors)
                {
                    json.WriteStartArray(field);
                    foreach (var message in messages)
                    {
                        json.WriteStringValue(message);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("path", path);
            if (problem.Entity is not null)
            {
                json.WriteStartObject("metadata");
                json.WriteString("entity", problem.Entity);
                json.WriteEndObject();
            }

            if (traceId is not null)
            {
                json.WriteString("traceId", traceId);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
