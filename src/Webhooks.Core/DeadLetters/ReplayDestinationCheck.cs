using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.DeadLetters;

/// <summary>
/// Decides, before anything is replayed, whether a replay may be re-targeted to a destination
/// (<see cref="ReplayOptions.ToDestination"/>): the name must be a configured destination of the source of every
/// entry the selection reaches. The admin API and the CLI both ask it, so they refuse alike.
/// </summary>
public static class ReplayDestinationCheck
{
    /// <summary>What the check decided: the configured spelling of the destination, or the problem to answer.</summary>
    /// <param name="Destination">The destination as configured (names compare case-insensitively); null when refused.</param>
    /// <param name="Problem">A 400 <c>unknownDestination</c> (or <c>invalidRequest</c> when the source cannot be told); null when allowed.</param>
    public sealed record Outcome(string? Destination, Problem? Problem);

    /// <summary>Checks <paramref name="destination"/> against the sources <paramref name="selection"/> reaches.</summary>
    /// <param name="destination">The destination asked for.</param>
    /// <param name="selection">What is to be replayed: its source filter, or else the sources of its ids' entries.</param>
    /// <param name="sources">The configured sources.</param>
    /// <param name="store">Where the ids' entries are looked up.</param>
    /// <param name="field">The request field to name in the problem's errors (<c>toDestination</c>, <c>--to-destination</c>).</param>
    /// <param name="cancellationToken">Cancels the look-ups.</param>
    public static async Task<Outcome> CheckAsync(
        string destination, DeadLetterSelection selection, IReadOnlyDictionary<string, SourceOptions> sources, DeadLetterStore store, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(store);
        if (!DestinationNames.IsValid(destination))
        {
            return Refused(field, $"'{Quote(destination)}' is not a destination name (1-{DestinationNames.MaxLength} letters, digits, '-' or '_').");
        }

        IReadOnlyCollection<string> reached;
        if (selection.Filter.Source is { } source)
        {
            reached = [source];
        }
        else if (selection.Ids.Count > 0)
        {
            var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var id in selection.Ids)
            {
                if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { Source: { } of })
                {
                    found.Add(of);
                }
            }

            reached = found;
        }
        else
        {
            // Every entry of every source: a destination name is a source's own, so the source must be named.
            var problem = new Problem(400, ErrorCodes.InvalidRequest, "Re-targeting a replay needs the source: filter by source, or name the entries by id.")
            {
                Errors = new Dictionary<string, string[]> { [field] = ["Give a source (or ids) with it."] },
            };
            return new Outcome(null, problem);
        }

        string? configured = null;
        foreach (var name in reached)
        {
            if (!sources.TryGetValue(name, out var options))
            {
                return Refused(field, $"No source '{name}' is configured, so it has no destination '{destination}'.");
            }

            var destinations = options.ResolveDestinations();
            if (!destinations.TryGetValue(destination, out var resolved))
            {
                return Refused(field, $"Source '{name}' has no destination '{destination}'; it has {string.Join(", ", destinations.Keys.Order(StringComparer.OrdinalIgnoreCase))}.");
            }

            configured = resolved.Name;
        }

        // Nothing reached (ids that match no entry): the replay matches nothing, whatever the name.
        return new Outcome(configured ?? destination, null);
    }

    private static Outcome Refused(string field, string message) =>
        new(null, new Problem(400, ErrorCodes.UnknownDestination, message)
        {
            Entity = ProblemEntities.Destination,
            Errors = new Dictionary<string, string[]> { [field] = [message] },
        });

    private static string Quote(string? text) => text is null ? string.Empty : text.Length > 64 ? text[..64] + "…" : text;
}
