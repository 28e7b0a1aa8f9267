using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary><c>webhooks dlq list</c>: matching entries, newest first, one page (<c>--limit</c>, <c>--continue</c>).</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var filters = new DlqFilterOptions(context.Time);
        var skip = new Option<int>("--skip") { Description = "Matching entries to skip.", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--limit", "--take") { Description = "Entries to show (1-1000).", DefaultValueFactory = _ => 50 };
        var next = new Option<string?>("--continue") { Description = "The continuation token a previous page printed: show the page after it." };
        OptionRules.InRange(skip, 0, int.MaxValue, "--skip cannot be negative.");
        OptionRules.InRange(take, 1, 1000, "--limit must be from 1 to 1000.");

        var command = new Command("list", "List dead-letter and host-poisoned entries, newest first. Exit code 3 when none match.");
        filters.AddTo(command);
        command.Options.Add(skip);
        command.Options.Add(take);
        command.Options.Add(next);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var store = settings.CreateStore();
            DeadLetterPage page;
            try
            {
                page = parseResult.GetValue(skip) == 0 && store.IsIndexed
                    ? await store.PageAsync(filters.Read(parseResult), parseResult.GetValue(take), parseResult.GetValue(next), cancellationToken)
                    : await store.ListAsync(filters.Read(parseResult), parseResult.GetValue(skip), parseResult.GetValue(take), cancellationToken);
            }
            catch (ArgumentException ex) when (ex.ParamName == "continuation")
            {
                throw new CliUsageException("--continue: " + ex.Message);
            }

            if (settings.Json)
            {
                JsonOutput.Write(context.Out, page, DeadLetterJsonContext.Default.DeadLetterPage);
            }
            else
            {
                DeadLetterView.RenderList(context.Console, page, context.Time.GetUtcNow());
            }

            return page.Items.Count == 0 ? ExitCodes.NothingMatched : ExitCodes.Ok;
        }));
        return command;
    }
}
