using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli.Commands.Sources;

/// <summary><c>webhooks sources list</c>: the configured sources, without their secrets.</summary>
internal static class ListSourcesCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var command = new Command("list", "List configured sources: verification scheme, number of secrets (never the secrets), state, handshakes, target (or each named destination: name, host, filter). Exit code 3 when none.");
        command.SetAction((parseResult, _) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var sources = settings.Webhooks.Sources.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToList();
            if (settings.Json)
            {
                var list = sources.Select(s => new SourceSummary(
                    s.Key,
                    s.Value.Verification,
                    s.Value.Secrets.Count(x => !string.IsNullOrWhiteSpace(x)),
                    s.Value.State,
                    s.Value.Handshakes,
                    SourceView.TargetUrl(s.Value),
                    SourceView.Destinations(s.Value))).ToList();
                JsonOutput.Write(context.Out, list, CliJsonContext.Default.ListSourceSummary);
            }
            else if (sources.Count > 0)
            {
                SourceView.RenderList(context.Console, sources);
            }

            if (sources.Count == 0)
            {
                await context.Error.WriteLineAsync("No sources configured: pass --config <appsettings.json|local.settings.json> or set Webhooks__Sources__<name>__… variables.");
                return ExitCodes.NothingMatched;
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
