using System.CommandLine;
using Webhooks.Cli.Commands;
using Webhooks.Cli.Commands.Dlq;
using Webhooks.Cli.Commands.Queues;
using Webhooks.Cli.Commands.Sources;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli;

/// <summary>The <c>webhooks</c> command line: builds the command tree and runs one invocation.</summary>
public static class WebhooksCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        if (parseResult.Errors.Count > 0)
        {
            // Just the mistakes and where to read more: the whole help in front of them would bury the error.
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            var command = string.Join(' ', parseResult.CommandResult.Command is RootCommand ? ["webhooks"] : CommandPath(parseResult.CommandResult));
            await context.Error.WriteLineAsync($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is System.CommandLine.Parsing.CommandResult command)
            {
                names.Push(command.Command is RootCommand ? "webhooks" : command.Command.Name);
            }
        }

        return names;
    }

    /// <summary>The full command tree.</summary>
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Operate the webhook receiver: dead-letter queue, queues, sources. Exit codes: 0 ok, 1 failure, 2 usage, 3 nothing matched.");
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(DlqCommand.Create(context, globals));
        root.Subcommands.Add(QueuesCommand.Create(context, globals));
        root.Subcommands.Add(SourcesCommand.Create(context, globals));
        root.Subcommands.Add(SendCommand.Create(context, globals));
        return root;
    }
}
