using System.Collections;
using Spectre.Console;

namespace Webhooks.Cli;

/// <summary>
/// Everything a command touches outside itself — consoles, environment, clock, HTTP — so tests can run commands
/// in-process with captured output.
/// </summary>
public sealed class CliContext
{
    /// <summary>Rich output: tables, panels, progress bars, prompts.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Plain standard output, for JSON and single values (never wrapped or styled).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: errors, warnings, hints.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>True when a person is at a terminal: progress bars and confirmation prompts are allowed.</summary>
    public bool Interactive { get; init; }

    /// <summary>Environment variables (<c>AzureWebJobsStorage</c>, <c>Webhooks__…</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The clock (relative times, signing timestamps).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Creates the HTTP handler <c>send</c> uses.</summary>
    public Func<HttpMessageHandler> HttpHandlerFactory { get; init; } = () => new SocketsHttpHandler();

    /// <summary>The real process: the terminal, its environment, the system clock.</summary>
    public static CliContext FromProcess()
    {
        var redirected = System.Console.IsOutputRedirected || System.Console.IsInputRedirected;
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && variable.Value is string value)
            {
                environment[key] = value;
            }
        }

        var console = Output.CliConsole.Create(System.Console.Out, System.Console.IsOutputRedirected, environment);
        return new CliContext
        {
            Console = console,
            Out = System.Console.Out,
            Error = System.Console.Error,
            Interactive = !redirected && console.Profile.Capabilities.Interactive,
            Environment = environment,
        };
    }
}
