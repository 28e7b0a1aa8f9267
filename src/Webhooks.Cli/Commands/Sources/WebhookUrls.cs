namespace Webhooks.Cli.Commands.Sources;

/// <summary>The intake URL of a source: <c>{base}/api/webhooks/{source}</c>.</summary>
internal static class WebhookUrls
{
    public static Uri For(string baseUrl, string source)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"'{baseUrl}' is not an absolute http(s) URL.");
        }

        var path = root.AbsolutePath.TrimEnd('/');
        var prefix = path.EndsWith("/api", StringComparison.OrdinalIgnoreCase) ? path : path + "/api";
        return new UriBuilder(root) { Path = $"{prefix}/webhooks/{Uri.EscapeDataString(source)}", Query = string.Empty, Fragment = string.Empty }.Uri;
    }
}
