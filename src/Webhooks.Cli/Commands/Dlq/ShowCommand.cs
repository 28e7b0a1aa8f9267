using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq show &lt;id&gt;</c>: one entry in full.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The delivery id (or the queue message id)." };
        var command = new Command("show", "Show one entry: envelope, headers, pretty-printed body, every attempt, the parsed target error. Exit code 3 when not found.");
        command.Arguments.Add(id);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var entry = await settings.CreateStore().GetAsync(parseResult.GetRequiredValue(id), cancellationToken);
            if (entry is null)
            {
                await context.Error.WriteLineAsync($"No dead-letter entry with id '{parseResult.GetRequiredValue(id)}'.");
                return ExitCodes.NothingMatched;
            }

            if (settings.Json)
            {
                JsonOutput.Write(context.Out, entry, DeadLetterJsonContext.Default.DeadLetterEntry);
            }
            else
            {
                DeadLetterView.RenderEntry(context.Console, entry);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
