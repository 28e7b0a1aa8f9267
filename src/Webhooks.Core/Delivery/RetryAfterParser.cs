using System.Globalization;

namespace Webhooks.Delivery;

/// <summary>Reads a <c>Retry-After</c> header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.</summary>
public static class RetryAfterParser
{
    private static readonly string[] HttpDateFormats =
    [
        "r", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", // obsolete RFC 850
        "ddd MMM d HH':'mm':'ss yyyy", // obsolete asctime
        "ddd MMM dd HH':'mm':'ss yyyy",
    ];

    /// <summary>
    /// Turns the header into a delay from <paramref name="now"/>. A date in the past is zero; a number too large to
    /// represent is <see cref="TimeSpan.MaxValue"/> (callers cap it). Negative numbers, fractions and anything else are
    /// rejected.
    /// </summary>
    public static bool TryParse(string? value, DateTimeOffset now, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        if (IsAllDigits(text))
        {
            delay = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds <= (long)TimeSpan.MaxValue.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.MaxValue;
            return true;
        }

        if (DateTimeOffset.TryParseExact(
                text,
                HttpDateFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite,
                out var date))
        {
            delay = date > now ? date - now : TimeSpan.Zero;
            return true;
        }

        return false;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
