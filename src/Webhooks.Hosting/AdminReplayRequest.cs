using System.Globalization;
using System.Text.Json;
using Webhooks.DeadLetters;
using Webhooks.Intake;

namespace Webhooks.Hosting;

/// <summary>
/// The body of <c>POST /api/admin/deadletters/replay</c>: <c>{"ids":[…]}</c> or <c>{"all":true, "source":…,
/// "destination":…, "reason":…, "status":…, "errorCode":…, "from":…, "to":…, "poisoned":…}</c>, plus optional <c>"dryRun"</c>,
/// <c>"rate"</c> (messages per second), <c>"maxItems"</c>, <c>"continue"</c> (a previous answer's continuation) and
/// <c>"toDestination"</c> (send to this destination of the same source instead of each entry's own). <c>"destination"</c>
/// is a filter, as everywhere else, so a selection is never widened by a field meant as a target.
/// </summary>
internal sealed class AdminReplayRequest
{
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly string[] Fields = ["ids", "all", .. AdminQuery.FilterKeys, "dryRun", "rate", "maxItems", "continue", "toDestination"];

    public required DeadLetterSelection Selection { get; init; }

    public bool DryRun { get; init; }

    public double? Rate { get; init; }

    /// <summary>Most entries this call replays (<c>"maxItems"</c>); the answer's continuation goes on.</summary>
    public int? MaxItems { get; init; }

    /// <summary>A previous answer's <c>continuation</c> (<c>"continue"</c>), to go on where it stopped.</summary>
    public string? Continuation { get; init; }

    /// <summary>The destination to replay to instead of each entry's own (<c>"toDestination"</c>); null keeps theirs.</summary>
    public string? ToDestination { get; init; }

    /// <summary>Parses the body; returns field errors instead of throwing.</summary>
    public static AdminReplayRequest? TryParse(ReadOnlySpan<byte> body, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            errors["body"] = ["The body must be a JSON object such as {\"ids\":[\"…\"]} or {\"all\":true}."];
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["The body must be a JSON object."];
                return null;
            }

            foreach (var (field, messages) in AdminQuery.UnknownKeys(SenderJson.PropertyNames(root), Fields, StringComparer.Ordinal, "field"))
            {
                errors[field] = messages;
            }

            var local = errors;
            string? Text(string name) => SenderJson.TryGetProperty(root, name, out var p) ? (SenderJson.GetString(p) ?? Fail<string>(local, name, "a string")) : null;
            bool? Flag(string name) => SenderJson.TryGetProperty(root, name, out var p) ? (p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : Fail<bool?>(local, name, "true or false")) : null;

            var ids = new List<string>();
            if (SenderJson.TryGetProperty(root, "ids", out var idsElement))
            {
                if (idsElement.ValueKind == JsonValueKind.Array && idsElement.EnumerateArray().All(e => !string.IsNullOrWhiteSpace(SenderJson.GetString(e))))
                {
                    ids.AddRange(idsElement.EnumerateArray().Select(e => SenderJson.GetString(e)!));
                }
                else
                {
                    errors["ids"] = ["'ids' must be an array of non-empty strings."];
                }
            }

            int? status = null;
            if (SenderJson.TryGetProperty(root, "status", out var statusElement))
            {
                if (statusElement.ValueKind == JsonValueKind.Number && statusElement.TryGetInt32(out var s) && s is >= 100 and <= 599)
                {
                    status = s;
                }
                else
                {
                    errors["status"] = ["'status' must be an HTTP status from 100 to 599."];
                }
            }

            double? rate = null;
            if (SenderJson.TryGetProperty(root, "rate", out var rateElement))
            {
                if (rateElement.ValueKind == JsonValueKind.Number && rateElement.TryGetDouble(out var r) && r > 0)
                {
                    rate = r;
                }
                else
                {
                    errors["rate"] = ["'rate' must be a positive number of messages per second."];
                }
            }

            int? maxItems = null;
            if (root.TryGetProperty("maxItems", out var maxElement))
            {
                if (maxElement.ValueKind == JsonValueKind.Number && maxElement.TryGetInt32(out var m) && m > 0)
                {
                    maxItems = m;
                }
                else
                {
                    errors["maxItems"] = ["'maxItems' must be a positive whole number."];
                }
            }

            var continuation = Text("continue");
            var toDestination = Text("toDestination");
            var filter = new DeadLetterFilter
            {
                Source = Text("source"),
                Destination = Text("destination"),
                Reason = Text("reason"),
                Status = status,
                ErrorCode = Text("errorCode"),
                From = ParseTime(Text("from"), "from", errors),
                To = ParseTime(Text("to"), "to", errors),
                PoisonedOnly = Flag("poisoned") ?? false,
            };
            var all = Flag("all") ?? false;
            var dryRun = Flag("dryRun") ?? false;
            if (ids.Count == 0 && !all && !errors.ContainsKey("ids"))
            {
                errors["ids"] = ["Name the entries with 'ids', or set 'all': true to replay every entry matching the filters."];
            }
            else if (ids.Count > 0 && all)
            {
                errors["all"] = ["Give 'ids' or 'all': true, not both."];
            }

            return errors.Count > 0
                ? null
                : new AdminReplayRequest { Selection = new DeadLetterSelection { Ids = ids, Filter = filter, All = all }, DryRun = dryRun, Rate = rate, MaxItems = maxItems, Continuation = continuation, ToDestination = toDestination };
        }
    }

    private static T? Fail<T>(Dictionary<string, string[]> errors, string name, string expected)
    {
        errors[name] = [$"'{name}' must be {expected}."];
        return default;
    }

    private static DateTimeOffset? ParseTime(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        errors[name] = [$"'{name}' must be an ISO 8601 date and time."];
        return null;
    }
}
