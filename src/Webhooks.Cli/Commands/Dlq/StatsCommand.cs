using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq stats</c>: counts by source, reason, status and error code.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var filters = new DlqFilterOptions(context.Time);
        var command = new Command("stats", "Count entries by source, reason, status and error code, with the oldest entry's age.");
        filters.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var stats = await settings.CreateStore().StatsAsync(filters.Read(parseResult), cancellationToken);
            if (settings.Json)
            {
                JsonOutput.Write(context.Out, stats, DeadLetterJsonContext.Default.DeadLetterStats);
            }
            else
            {
                StatsView.RenderStats(context.Console, stats);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
