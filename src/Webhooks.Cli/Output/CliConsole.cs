using Spectre.Console;

namespace Webhooks.Cli.Output;

/// <summary>
/// The rich console for people, made safe for pipes: no ANSI escape codes when the output is redirected or
/// <c>NO_COLOR</c> is set (https://no-color.org), and no wrapping at 80 columns when nobody reads it on a terminal,
/// so ids and lines stay whole for grep and scripts.
/// </summary>
public static class CliConsole
{
    /// <summary>The width used when the output is redirected: wide enough never to split a row.</summary>
    public const int RedirectedWidth = 4096;

    /// <summary>A console writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where it writes.</param>
    /// <param name="redirected">True when the output is a pipe or a file, not a terminal.</param>
    /// <param name="environment">The process environment (<c>NO_COLOR</c>).</param>
    public static IAnsiConsole Create(TextWriter output, bool redirected, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var plain = redirected || (environment.TryGetValue("NO_COLOR", out var noColor) && noColor.Length > 0);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(output),
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
