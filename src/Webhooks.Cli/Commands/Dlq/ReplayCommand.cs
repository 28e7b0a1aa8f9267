using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq replay &lt;id&gt;… | --all</c>: back to the deliveries queue with attempts reset.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var filters = new DlqFilterOptions(context.Time);
        var ids = new Argument<string[]>("id") { Description = "Delivery ids (or queue message ids) to replay.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Replay every entry matching the filters (required when no ids are given)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would move and how many; move nothing." };
        var rate = new Option<double?>("--rate") { Description = "Most messages put back per second (default: as fast as possible)." };
        OptionRules.InRange(rate, double.Epsilon, double.MaxValue, "--rate must be a positive number of messages per second.");

        var command = new Command(
            "replay",
            "Put entries back on the deliveries queue: same delivery id, attempts reset, never deleting an entry before its replacement is queued. " +
            "Exit code 3 when none match, 1 when any could not be replayed.");
        command.Arguments.Add(ids);
        command.Options.Add(all);
        filters.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(rate);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var selection = Selections.Read(parseResult, ids, all, filters);
            var settings = new CliSettings(parseResult, globals, context);
            var store = settings.CreateStore();
            var options = new ReplayOptions { DryRun = parseResult.GetValue(dryRun), RatePerSecond = parseResult.GetValue(rate) };
            var result = await ProgressDisplay.RunAsync(
                context.Console,
                settings.Interactive && !options.DryRun,
                "replaying",
                progress => store.ReplayAsync(selection, options, progress, cancellationToken));
            if (settings.Json)
            {
                JsonOutput.Write(context.Out, result, DeadLetterJsonContext.Default.ReplayResult);
            }
            else
            {
                OperationView.RenderReplay(context.Console, result);
            }

            return result.Matched == 0 ? ExitCodes.NothingMatched
                : result.Succeeded ? ExitCodes.Ok
                : ExitCodes.Failure;
        }));
        return command;
    }
}
