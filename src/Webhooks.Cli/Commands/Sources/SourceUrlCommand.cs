using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli.Commands.Sources;

/// <summary><c>webhooks sources url &lt;name&gt; --base https://app.azurewebsites.net</c>: the URL to register with the provider.</summary>
internal static class SourceUrlCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The source name." };
        var baseUrl = new Option<string>("--base")
        {
            Description = "The app's base URL, e.g. https://<app>.azurewebsites.net (default http://127.0.0.1:7071).",
            DefaultValueFactory = _ => "http://127.0.0.1:7071",
        };
        var command = new Command("url", "Print the webhook URL to paste into the provider. Exit code 3 when the source is not configured.");
        command.Arguments.Add(name);
        command.Options.Add(baseUrl);
        command.SetAction((parseResult, _) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var source = parseResult.GetRequiredValue(name);
            var url = WebhookUrls.For(parseResult.GetRequiredValue(baseUrl), source);
            if (!settings.Webhooks.Sources.ContainsKey(source))
            {
                await context.Error.WriteLineAsync($"No source named '{source}' is configured (pass --config, or set Webhooks__Sources__{source}__…).");
                return ExitCodes.NothingMatched;
            }

            if (settings.Json)
            {
                JsonOutput.WriteObject(context.Out, ("source", source), ("url", url.ToString()));
            }
            else
            {
                await context.Out.WriteLineAsync(url.ToString());
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
