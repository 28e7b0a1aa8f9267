using Webhooks.Cli;
using Webhooks.Cli.Output;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>Runs the <c>webhooks</c> CLI in-process with captured output, as a script would see it (through the console the CLI makes for a pipe).</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> InvokeAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, Func<HttpMessageHandler>? http = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = CliConsole.Create(output, redirected: true, environment ?? new Dictionary<string, string>());
        var context = new CliContext
        {
            Console = console,
            Out = output,
            Error = error,
            Interactive = false,
            Environment = environment ?? new Dictionary<string, string>(),
            HttpHandlerFactory = http ?? (() => new SocketsHttpHandler()),
        };

        var exitCode = await WebhooksCli.RunAsync(args, context);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Out}\n--- error ---\n{Error}";
}
