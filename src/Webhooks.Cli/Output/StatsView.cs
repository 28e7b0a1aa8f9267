using System.Globalization;
using Spectre.Console;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Output;

/// <summary>Renders dead-letter counts and queue depths.</summary>
internal static class StatsView
{
    public static void RenderStats(IAnsiConsole console, DeadLetterStats stats)
    {
        if (stats.Total == 0)
        {
            console.WriteLine("No dead-letter entries.");
            return;
        }

        var oldest = stats.Oldest is null ? string.Empty : $"; oldest {TextFormat.Time(stats.Oldest)} ({TextFormat.Age(stats.OldestAge)} ago)";
        console.WriteLine($"{stats.Total} entries ({stats.Poisoned} poisoned by the host){oldest}.");
        var grid = new Grid().AddColumns(5);
        grid.AddRow(Counts("Source", stats.BySource), Counts("Destination", stats.ByDestination), Counts("Reason", stats.ByReason), Counts("Status", stats.ByStatus), Counts("Error code", stats.ByErrorCode));
        console.Write(grid);
        if (stats.Truncated)
        {
            console.WriteLine($"Partial: the scan stopped at its limit after {stats.Total} entries; more match. Narrow the filters (source alone is answered from counters).");
        }
    }

    public static void RenderQueues(IAnsiConsole console, IReadOnlyList<QueueStats> queues)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Queue", "Role", "Messages (approx.)", "Oldest visible", "Age");
        foreach (var queue in queues)
        {
            table.AddRow(
                new Text(queue.Name),
                new Text(queue.Role),
                new Text(queue.Exists ? queue.ApproximateCount.ToString(CultureInfo.InvariantCulture) : "(no queue)"),
                new Text(TextFormat.Time(queue.OldestInsertedOn)),
                new Text(TextFormat.Age(queue.OldestAge)));
        }

        console.Write(table);
    }

    private static Table Counts(string title, IReadOnlyDictionary<string, int> counts)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(title).AddColumn(new TableColumn("Count").RightAligned());
        foreach (var (key, count) in counts)
        {
            table.AddRow(new Text(key), new Text(count.ToString(CultureInfo.InvariantCulture)));
        }

        return table;
    }
}
