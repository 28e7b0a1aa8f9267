using Spectre.Console;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Output;

/// <summary>Renders what a replay or purge did.</summary>
internal static class OperationView
{
    public static void RenderReplay(IAnsiConsole console, ReplayResult result)
    {
        if (result.Items.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Source", "Destination", "Outcome", "Detail");
            foreach (var item in result.Items)
            {
                table.AddRow(new Text(item.Id + (item.Poisoned ? " [poisoned]" : string.Empty)), new Text(item.Source ?? "-"), new Text(item.Destination ?? "(fan out)"), new Text(item.Outcome), new Text(item.Detail ?? string.Empty));
            }

            console.Write(table);
        }

        console.WriteLine(result.DryRun
            ? $"Dry run: {result.Items.Count(i => i.Outcome == ReplayOutcomes.WouldReplay)} of {result.Matched} matching entries would be replayed; nothing was moved."
            : $"Replayed {result.Replayed} of {result.Matched} matching entries ({result.Failed} failed or skipped, {result.RecordsKept} queued but not removed)."
                + (result.PossibleDuplicates > 0 ? $" {result.PossibleDuplicates} sends lost their answer and were sent again: each may have left an extra copy on the queue." : string.Empty));
    }

    public static void RenderPurge(IAnsiConsole console, PurgeResult result)
    {
        foreach (var failure in result.Failures)
        {
            console.WriteLine($"not deleted: {failure.Id}: {failure.Detail}");
        }

        foreach (var failure in result.PayloadFailures)
        {
            console.WriteLine($"body kept: {failure.Id}: {failure.Detail}");
        }

        console.WriteLine(result.PayloadsDeleted == 0
            ? $"Deleted {result.Deleted} of {result.Matched} matching entries."
            : $"Deleted {result.Deleted} of {result.Matched} matching entries and {result.PayloadsDeleted} stored bodies.");
    }
}
