using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary>The filter options shared by the dlq commands.</summary>
internal sealed class DlqFilterOptions
{
    public DlqFilterOptions(TimeProvider time)
    {
        From = new Option<DateTimeOffset?>("--from")
        {
            Description = "Dead-lettered at or after: ISO 8601 (2026-01-31T12:00Z) or an age (30m, 2h, 7d).",
            CustomParser = result => ParseTime(result, time),
        };
        To = new Option<DateTimeOffset?>("--to")
        {
            Description = "Dead-lettered before: ISO 8601 or an age (30m, 2h, 7d).",
            CustomParser = result => ParseTime(result, time),
        };
        OptionRules.InRange(Status, 100, 599, "--status must be an HTTP status from 100 to 599.");
        Reason.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !Reasons.Contains(result.Tokens[^1].Value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"--reason must be one of {string.Join(", ", Reasons)}; '{result.Tokens[^1].Value}' would match nothing.");
            }
        });
    }

    public Option<string?> Source { get; } = new("--source") { Description = "Only entries of this source." };

    public Option<string?> Destination { get; } = new("--destination") { Description = "Only entries of this destination (fan-out); entries from before fan-out have none." };

    /// <summary>Every reason a dead-letter record can carry.</summary>
    public static readonly string[] Reasons =
    [
        DeadLetterReasons.TargetRejected, DeadLetterReasons.RetriesExhausted, DeadLetterReasons.MalformedMessage,
        DeadLetterReasons.TargetNotConfigured, DeadLetterReasons.HostPoisoned, DeadLetterReasons.PayloadMissing,
        DeadLetterReasons.ConfigurationError,
    ];

    public Option<string?> Reason { get; } = new("--reason")
    {
        Description = $"Only this reason: {string.Join(", ", Reasons)}.",
    };

    public Option<int?> Status { get; } = new("--status") { Description = "Only entries whose target answered this HTTP status last." };

    public Option<string?> ErrorCode { get; } = new("--error-code") { Description = "Only entries whose parsed target error has this code (e.g. userEmailConflict)." };

    public Option<DateTimeOffset?> From { get; }

    public Option<DateTimeOffset?> To { get; }

    public Option<bool> Poisoned { get; } = new("--poisoned") { Description = "Only messages the Functions host poisoned (<deliveries>-poison)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Source, Destination, Reason, Status, ErrorCode, From, To, Poisoned })
        {
            command.Options.Add(option);
        }
    }

    public DeadLetterFilter Read(ParseResult parseResult) => new()
    {
        Source = parseResult.GetValue(Source),
        Destination = parseResult.GetValue(Destination),
        Reason = parseResult.GetValue(Reason),
        Status = parseResult.GetValue(Status),
        ErrorCode = parseResult.GetValue(ErrorCode),
        From = parseResult.GetValue(From),
        To = parseResult.GetValue(To),
        PoisonedOnly = parseResult.GetValue(Poisoned),
    };

    /// <summary>True when any filter option was given.</summary>
    public bool AnyGiven(ParseResult parseResult) => !Read(parseResult).IsEmpty;

    private static DateTimeOffset? ParseTime(ArgumentResult result, TimeProvider time)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? age = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (age is { } value)
            {
                return time.GetUtcNow() - value;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var absolute))
        {
            return absolute;
        }

        result.AddError($"'{text}' is neither an ISO 8601 time nor an age such as 30m, 2h or 7d.");
        return null;
    }
}
