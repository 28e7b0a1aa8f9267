using System.CommandLine;
using Spectre.Console;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq purge &lt;id&gt;… | --all [filters] [--yes]</c>: delete entries for good.</summary>
internal static class PurgeCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var filters = new DlqFilterOptions(context.Time);
        var ids = new Argument<string[]>("id") { Description = "Delivery ids (or queue message ids) to delete.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Delete every entry matching the filters (required when no ids are given)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (required when not at a terminal)." };

        var command = new Command("purge", "Delete entries for good, after confirmation. Exit code 3 when none match, 1 when any could not be deleted.");
        command.Arguments.Add(ids);
        command.Options.Add(all);
        filters.AddTo(command);
        command.Options.Add(yes);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var selection = Selections.Read(parseResult, ids, all, filters);
            var settings = new CliSettings(parseResult, globals, context);
            var store = settings.CreateStore();
            if (!parseResult.GetValue(yes))
            {
                if (!settings.Interactive)
                {
                    throw new CliUsageException("Purging deletes entries for good: confirm with --yes when not at a terminal.");
                }

                var count = await CountAsync(store, selection, cancellationToken);
                if (count == 0)
                {
                    context.Console.WriteLine("No entries match; nothing to purge.");
                    return ExitCodes.NothingMatched;
                }

                var prompt = new ConfirmationPrompt($"Delete {count} dead-letter entries for good?") { DefaultValue = false };
                if (!await prompt.ShowAsync(context.Console, cancellationToken))
                {
                    context.Console.WriteLine("Nothing deleted.");
                    return ExitCodes.Failure;
                }
            }

            var result = await ProgressDisplay.RunAsync(context.Console, settings.Interactive, "purging", progress => store.PurgeAsync(selection, progress, cancellationToken));
            if (settings.Json)
            {
                JsonOutput.Write(context.Out, result, DeadLetterJsonContext.Default.PurgeResult);
            }
            else
            {
                OperationView.RenderPurge(context.Console, result);
            }

            return result.Matched == 0 ? ExitCodes.NothingMatched
                : result.Failures.Count == 0 ? ExitCodes.Ok
                : ExitCodes.Failure;
        }));
        return command;
    }

    private static async Task<int> CountAsync(DeadLetterStore store, DeadLetterSelection selection, CancellationToken cancellationToken)
    {
        var result = await store.ReplayAsync(selection, new ReplayOptions { DryRun = true }, cancellationToken: cancellationToken);
        return result.Matched;
    }
}
