using Spectre.Console;
using Spectre.Console.Rendering;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Output;

/// <summary>Renders dead-letter entries for people: a list table and a detailed view of one entry.</summary>
internal static class DeadLetterView
{
    public static void RenderList(IAnsiConsole console, DeadLetterPage page, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Id").NoWrap()) // an id split over two lines cannot be copied or grepped
            .AddColumns("Source", "Destination", "Reason", "Status", "Error", "Dead-lettered", "Age", "Attempts");
        foreach (var entry in page.Items)
        {
            table.AddRow(
                Plain(entry.Id + (entry.Poisoned ? " [poisoned]" : string.Empty)),
                Plain(entry.Source ?? "-"),
                Plain(entry.Destination ?? "-"),
                Plain(entry.Reason),
                Plain(TextFormat.Number(entry.Status)),
                Plain(entry.ErrorSummary ?? "-"),
                Plain(TextFormat.Time(entry.DeadLetteredAt)),
                Plain(TextFormat.Age(now - entry.DeadLetteredAt)),
                Plain(entry.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        console.Write(table);
        var of = page.Total is { } total ? $" of {total}" : string.Empty;
        console.WriteLine(page.Items.Count == 0
            ? "No entries match."
            : $"Showing {page.Skip + 1}-{page.Skip + page.Items.Count}{of} (newest first).");
        if (page.Continuation is { } next)
        {
            console.WriteLine($"More entries exist: next page with --continue {next}");
        }
    }

    public static void RenderEntry(IAnsiConsole console, DeadLetterEntry entry)
    {
        var record = entry.Record;
        var envelope = record.Envelope;
        var facts = new Grid().AddColumn().AddColumn();
        AddFact(facts, "Delivery id", entry.Id);
        AddFact(facts, "Message id", entry.MessageId);
        AddFact(facts, "Queue", entry.Queue + (entry.Poisoned ? " (poisoned by the Functions host)" : string.Empty));
        AddFact(facts, "Source", entry.Source);
        AddFact(facts, "Destination", entry.Destination);
        AddFact(facts, "Reason", entry.Reason);
        AddFact(facts, "Detail", record.Detail);
        AddFact(facts, "Final status", TextFormat.Number(entry.Status));
        AddFact(facts, "Dead-lettered", TextFormat.Time(entry.DeadLetteredAt));
        AddFact(facts, "Received", TextFormat.Time(entry.ReceivedAt));
        AddFact(facts, "Attempts", entry.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddFact(facts, "Replays", entry.ReplayCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddFact(facts, "Content type", envelope?.ContentType);
        console.Write(new Panel(facts).Header("Dead-letter entry").Border(BoxBorder.Rounded));

        if (record.Error is { } error)
        {
            var grid = new Grid().AddColumn().AddColumn();
            AddFact(grid, "Summary", error.Summary ?? entry.ErrorSummary);
            AddFact(grid, "Dialect", error.Dialect);
            AddFact(grid, "Error code", error.ErrorCode);
            AddFact(grid, "Message", error.Message);
            AddFact(grid, "Entity", error.Entity);
            foreach (var (field, messages) in error.Errors ?? [])
            {
                AddFact(grid, $"  {field}", string.Join("; ", messages));
            }

            console.Write(new Panel(grid).Header("Target error").Border(BoxBorder.Rounded));
        }

        if (envelope is { Attempts.Count: > 0 })
        {
            var attempts = new Table().Border(TableBorder.Rounded).Title("Attempts").AddColumns("#", "At", "Outcome", "Status", "Detail", "Duration");
            foreach (var attempt in envelope.Attempts)
            {
                attempts.AddRow(
                    Plain(attempt.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Plain(TextFormat.Time(attempt.At)),
                    Plain(attempt.Outcome),
                    Plain(TextFormat.Number(attempt.Status)),
                    Plain(attempt.Detail ?? "-"),
                    Plain($"{attempt.DurationMs} ms"));
            }

            console.Write(attempts);
        }

        if (envelope is { Headers.Count: > 0 })
        {
            var headers = new Table().Border(TableBorder.Rounded).Title("Headers").AddColumns("Name", "Value");
            foreach (var (name, value) in envelope.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                headers.AddRow(Plain(name), Plain(value));
            }

            console.Write(headers);
        }

        if (record.Response is { } response)
        {
            var header = $"Target response {response.Status}" + (response.BodyTruncated ? " (body truncated)" : string.Empty);
            var body = response.Body is null ? "(no body)" : TextFormat.PrettyJson(response.Body);
            console.Write(new Panel(Plain(body)).Header(header).Border(BoxBorder.Rounded));
        }

        var payload = entry.BodyText is { } text ? TextFormat.PrettyJson(text)
            : envelope?.BodyRef is { } reference ? $"(stored outside the queue: {reference.Container}/{reference.Blob}, {reference.Length} bytes)"
            : envelope?.Body is { } bytes ? $"(binary, {bytes.Length} bytes)"
            : record.RawMessage is { } raw ? raw
            : "(none)";
        console.Write(new Panel(Plain(payload)).Header(envelope is null ? "Raw message" : "Body").Border(BoxBorder.Rounded));
    }

    private static void AddFact(Grid grid, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), Plain(value));
        }
    }

    private static IRenderable Plain(string text) => new Text(text);
}
