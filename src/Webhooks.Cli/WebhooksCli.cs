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
            // System.CommandLine prints the errors and help; usage mistakes get their own exit code.
            await parseResult.InvokeAsync(invocation, cancellationToken);
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken);
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
