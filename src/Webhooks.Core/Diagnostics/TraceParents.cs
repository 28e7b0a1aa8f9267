using System.Diagnostics;

namespace Webhooks.Diagnostics;

/// <summary>W3C <c>traceparent</c> values as the queue envelope carries them (<c>00-{trace id}-{span id}-{flags}</c>).</summary>
public static class TraceParents
{
    // Version 00 is 55 characters; later versions may append fields, but nothing legitimate is this long.
    private const int MaxLength = 256;

    /// <summary>The current activity's traceparent, or null when there is none (or it is not W3C).</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary><paramref name="value"/> when it is a well-formed traceparent (a sender's header is not trusted as is), else null.</summary>
    public static string? Valid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && ActivityContext.TryParse(value, null, isRemote: true, out _) ? value : null;

    /// <summary>Parses a stored traceparent; false (and a default context) when absent or malformed.</summary>
    public static bool TryParse(string? value, out ActivityContext context)
    {
        if (value is { Length: > 0 and <= MaxLength } && ActivityContext.TryParse(value, null, isRemote: true, out context))
        {
            return true;
        }

        context = default;
        return false;
    }
}
