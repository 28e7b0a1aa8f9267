using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.Verification;

namespace Webhooks.Cli.Commands.Sources;

/// <summary><c>webhooks sources secret new</c>: a fresh Standard Webhooks <c>whsec_</c> secret.</summary>
internal static class NewSecretCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var command = new Command("new", "Generate a fresh whsec_ secret (32 random bytes). Rotation: add it to Secrets, switch the provider, then remove the old one.");
        command.SetAction((parseResult, _) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var secret = StandardWebhooksSecret.Generate();
            if (settings.Json)
            {
                JsonOutput.WriteObject(context.Out, ("secret", secret));
            }
            else
            {
                await context.Out.WriteLineAsync(secret);
                await context.Error.WriteLineAsync("Add it to Webhooks:Sources:<name>:Secrets beside the current one, switch the provider to it, then remove the old one.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
