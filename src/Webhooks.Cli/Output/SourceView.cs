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
                new Text(RedactUrl(source.Target.Url) ?? "-"));
        }

        console.Write(table);
    }

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
