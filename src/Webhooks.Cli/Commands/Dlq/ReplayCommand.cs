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
        var toDestination = new Option<string?>("--to-destination")
        {
            Description = "Send to this destination of the same source instead of each entry's own (checked against the app's settings: --config).",
        };
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
        command.Options.Add(toDestination);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var selection = Selections.Read(parseResult, ids, all, filters);
            var settings = new CliSettings(parseResult, globals, context);
            var store = settings.CreateStore();
            var destination = parseResult.GetValue(toDestination) is { } asked
                ? await CheckDestinationAsync(asked, selection, settings, store, cancellationToken)
                : null;
            var options = new ReplayOptions { DryRun = parseResult.GetValue(dryRun), RatePerSecond = parseResult.GetValue(rate), ToDestination = destination };
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

    // The destination must be one the app has for the entries' source; the CLI learns them from the same settings.
    private static async Task<string> CheckDestinationAsync(string asked, DeadLetterSelection selection, CliSettings settings, DeadLetterStore store, CancellationToken cancellationToken)
    {
        var sources = settings.Webhooks.Sources;
        if (sources.Count == 0)
        {
            throw new CliUsageException("--to-destination is checked against the app's sources: pass its settings with --config (or Webhooks__Sources__… variables).");
        }

        var check = await ReplayDestinationCheck.CheckAsync(asked, selection, sources, store, "--to-destination", cancellationToken);
        return check.Problem is { } refused ? throw new CliUsageException($"--to-destination: {refused.Message}") : check.Destination!;
    }
}
