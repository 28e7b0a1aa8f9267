using System.CommandLine;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq …</c>.</summary>
internal static class DlqCommand
{
    public static Command Create(CliContext context, GlobalOptions globals) => new("dlq", "Inspect and operate the dead-letter queue and the host's poison queue.")
    {
        ListCommand.Create(context, globals),
        ShowCommand.Create(context, globals),
        StatsCommand.Create(context, globals),
        ExportCommand.Create(context, globals),
        ReplayCommand.Create(context, globals),
        PurgeCommand.Create(context, globals),
    };
}
