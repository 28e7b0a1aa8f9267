using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Webhooks.Hosting.Console;

/// <summary>
/// The console's files, embedded in this assembly at build time (<c>Console/assets/**</c>): nothing is read from disk
/// or fetched at run time, so both hosts serve exactly what was built.
/// </summary>
internal static class ConsoleAssets
{
    private const string ResourcePrefix = "WebhooksConsole/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, ConsoleAsset>> All = new(Load);

    /// <summary>The asset at <paramref name="path"/> (relative, e.g. <c>console.js</c>), or null.</summary>
    public static ConsoleAsset? Find(string path) => All.Value.GetValueOrDefault(path);

    private static FrozenDictionary<string, ConsoleAsset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            assets[path] = new ConsoleAsset(path, type, bytes, etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>One embedded console file.</summary>
internal sealed record ConsoleAsset(string Path, string ContentType, byte[] Content, string ETag);
