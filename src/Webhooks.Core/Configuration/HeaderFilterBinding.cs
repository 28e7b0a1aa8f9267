using Microsoft.Extensions.Configuration;

namespace Webhooks.Configuration;

/// <summary>
/// Binds <c>Destinations:&lt;dest&gt;:Filter:header:&lt;Name&gt;</c>. In configuration ':' separates sections, so the
/// binder sees a section <c>header</c> with children rather than a key <c>header:&lt;Name&gt;</c>; this puts each
/// child into <see cref="DestinationOptions.Filter"/> under the key the filter expects.
/// </summary>
public static class HeaderFilterBinding
{
    /// <summary>Adds the <c>header:&lt;Name&gt;</c> filter entries found under <paramref name="webhooksSection"/> (<c>Webhooks</c>).</summary>
    public static void Bind(IConfiguration webhooksSection, WebhooksOptions options)
    {
        ArgumentNullException.ThrowIfNull(webhooksSection);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var sourceSection in webhooksSection.GetSection("Sources").GetChildren())
        {
            if (!options.Sources.TryGetValue(sourceSection.Key, out var source))
            {
                continue;
            }

            foreach (var destinationSection in sourceSection.GetSection("Destinations").GetChildren())
            {
                if (!source.Destinations.TryGetValue(destinationSection.Key, out var destination))
                {
                    continue;
                }

                foreach (var filterSection in destinationSection.GetSection("Filter").GetChildren())
                {
                    if (!filterSection.Key.Equals("header", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    destination.Filter.Remove(filterSection.Key);
                    var headers = filterSection.GetChildren().ToList();
                    if (headers.Count == 0)
                    {
                        // "Filter:header" with a value and no name: keep it as "header:" so validation names it.
                        destination.Filter["header:"] = filterSection.Value ?? string.Empty;
                    }

                    foreach (var header in headers)
                    {
                        destination.Filter[$"header:{header.Key}"] = header.Value ?? string.Empty;
                    }
                }
            }
        }
    }
}
