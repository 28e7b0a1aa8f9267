using Spectre.Console;
using Webhooks.Configuration;

namespace Webhooks.Cli.Output;

/// <summary>Renders configured sources (never their secrets).</summary>
internal static class SourceView
{
    public static void RenderList(IAnsiConsole console, IEnumerable<KeyValuePair<string, SourceOptions>> sources)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Source", "Verification", "Secrets", "State", "Handshakes", "Target");
        foreach (var (name, source) in sources)
        {
            table.AddRow(
                new Text(name),
                new Text(source.Verification),
                new Text(source.Secrets.Count(s => !string.IsNullOrWhiteSpace(s)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(source.State),
                new Text(source.Handshakes.Count == 0 ? "-" : string.Join(", ", source.Handshakes)),
                new Text(TargetText(source)));
        }

        console.Write(table);
    }

    /// <summary>
    /// The named destinations of <paramref name="source"/>, sorted by name; null for a source configured the old way
    /// (one <c>default</c> target), which keeps its single URL.
    /// </summary>
    public static IReadOnlyList<DestinationSummary>? Destinations(SourceOptions source)
    {
        var destinations = source.ResolveDestinations();
        if (destinations.Count == 1 && destinations.ContainsKey(DestinationNames.Default))
        {
            return null;
        }

        return [.. destinations.Values
            .OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
            .Select(d => new DestinationSummary(d.Name, Host(d.Url), d.Filter.Summary))];
    }

    /// <summary>The single target's redacted URL (null for named destinations: see <see cref="Destinations"/>).</summary>
    public static string? TargetUrl(SourceOptions source) => Destinations(source) is null ? RedactUrl(source.Target.Url) : null;

    // One line per named destination ("crm: crm.example.com (takes type=invoice.*)"), else the one URL as before.
    private static string TargetText(SourceOptions source) =>
        Destinations(source) is { } named
            ? string.Join('\n', named.Select(d => $"{d.Name}: {d.Host ?? "no URL"} (takes {d.Filter})"))
            : RedactUrl(source.Target.Url) ?? "-";

    // Host and port only: a listing needs to tell destinations apart, and paths or queries may carry keys.
    private static string? Host(string? url) =>
        url is null ? null : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : "(invalid URL)";

    /// <summary>A target URL without user info or query, which may carry keys.</summary>
    public static string? RedactUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url is null ? null : "(invalid URL)";
        }

        var shown = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        return uri.Query.Length > 1 ? shown + "?…" : shown;
    }
}
