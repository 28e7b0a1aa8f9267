using System.CommandLine;
using Spectre.Console;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq export --out file.jsonl</c>: every matching entry as JSON lines.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var filters = new DlqFilterOptions(context.Time);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "The JSONL file to write (replaced if it exists). Default: standard output." };
        var command = new Command("export", "Write matching entries, full records included, one JSON object per line. Exit code 3 when none match.");
        filters.AddTo(command);
        command.Options.Add(output);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var store = settings.CreateStore();
            var filter = filters.Read(parseResult);
            var file = parseResult.GetValue(output);
            int count;
            if (file is null)
            {
                await using var stdout = new TextWriterStream(context.Out);
                count = await store.ExportAsync(stdout, filter, cancellationToken: cancellationToken);
                return count == 0 ? ExitCodes.NothingMatched : ExitCodes.Ok;
            }

            await using (var stream = new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                count = await ProgressDisplay.RunAsync(context.Console, settings.Interactive, "exporting", progress => store.ExportAsync(stream, filter, progress, cancellationToken));
            }

            if (settings.Json)
            {
                JsonOutput.WriteObject(context.Out, ("exported", count), ("file", file.FullName));
            }
            else
            {
                context.Console.WriteLine($"Exported {count} entries to {file.FullName}.");
            }

            return count == 0 ? ExitCodes.NothingMatched : ExitCodes.Ok;
        }));
        return command;
    }
}
