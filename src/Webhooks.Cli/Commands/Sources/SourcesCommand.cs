using System.CommandLine;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli.Commands.Sources;

/// <summary><c>webhooks sources …</c>.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var secret = new Command("secret", "Signing secrets.") { NewSecretCommand.Create(context, globals) };
        return new Command("sources", "The configured webhook sources (Webhooks:Sources from --config and the environment).")
        {
            ListSourcesCommand.Create(context, globals),
            SourceUrlCommand.Create(context, globals),
            secret,
        };
    }
}
