using System.Collections.ObjectModel;
using Webhooks.Intake;

namespace Webhooks.Verification;

/// <summary>The headers a signer produced, by case-insensitive name.</summary>
public sealed class SignatureHeaders : ReadOnlyDictionary<string, string>
{
    /// <summary>Copies the given headers.</summary>
    public SignatureHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        : base(new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase))
    {
    }

    /// <summary>No headers (the <c>none</c> scheme).</summary>
    public static SignatureHeaders None { get; } = new([]);

    /// <summary>The same headers as an <see cref="IRequestHeaders"/>, as a verifier would see them.</summary>
    public IRequestHeaders ToRequestHeaders() => new DictionaryRequestHeaders(this);
}
