using System.CommandLine;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Dlq;

/// <summary>Reads "ids, or --all with filters" the same way for replay and purge.</summary>
internal static class Selections
{
    public static DeadLetterSelection Read(ParseResult parseResult, Argument<string[]> ids, Option<bool> all, DlqFilterOptions filters)
    {
        var given = parseResult.GetValue(ids) ?? [];
        var everything = parseResult.GetValue(all);
        if (given.Length == 0 && !everything)
        {
            throw new CliUsageException("Name the entries by id, or pass --all (with filters to narrow it down).");
        }

        if (given.Length > 0 && everything)
        {
            throw new CliUsageException("Give ids or --all, not both.");
        }

        return new DeadLetterSelection { Ids = given, Filter = filters.Read(parseResult), All = everything };
    }
}
