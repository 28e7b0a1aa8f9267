using Microsoft.AspNetCore.Http;
using Webhooks.Intake;

namespace Webhooks.Hosting;

/// <summary>Presents ASP.NET Core's request headers to the engine without copying them.</summary>
internal sealed class HeaderDictionaryAdapter(IHeaderDictionary headers) : IRequestHeaders
{
    public string? this[string name] => headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    public int Count(string name) => headers.TryGetValue(name, out var values) ? values.Count : 0;

    public IEnumerable<string> Names => headers.Keys;
}
