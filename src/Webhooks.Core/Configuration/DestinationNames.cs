namespace Webhooks.Configuration;

/// <summary>Destination names and the keys derived from them.</summary>
public static class DestinationNames
{
    /// <summary>The one destination of a source configured the old way, with <c>Target:Url</c> and no <c>Destinations</c>.</summary>
    public const string Default = "default";

    /// <summary>The longest destination name.</summary>
    public const int MaxLength = 63;

    /// <summary>Whether <paramref name="name"/> is a usable destination name: 1–63 letters, digits, '-' or '_'.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="name"/> is <see cref="Default"/>.</summary>
    public static bool IsDefault(string? name) => string.Equals(name, Default, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The outbound <c>Idempotency-Key</c>: the delivery id for <see cref="Default"/> (unchanged for single-target
    /// sources), <c>&lt;delivery id&gt;:&lt;destination&gt;</c> otherwise, so each destination can dedupe its own copy.
    /// </summary>
    public static string IdempotencyKey(string deliveryId, string? destination) =>
        destination is null || IsDefault(destination) ? deliveryId : $"{deliveryId}:{destination}";

    /// <summary>
    /// The key a destination's pause is kept under: the source name for <see cref="Default"/> (so existing pause rows
    /// still apply), <c>&lt;source&gt;:&lt;destination&gt;</c> otherwise (both names are table-key safe).
    /// </summary>
    public static string PauseKey(string source, string? destination) =>
        destination is null || IsDefault(destination) ? source : $"{source}:{destination}";

    /// <summary>
    /// Splits a pause key (<see cref="PauseKey"/>, as pause listings report it in their <c>Source</c>) back into the
    /// source and destination: a bare source name is its <see cref="Default"/> destination. Source names never
    /// contain ':', so the first one separates them.
    /// </summary>
    public static (string Source, string Destination) ParsePauseKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (key, Default) : (key[..colon], key[(colon + 1)..]);
    }
}
