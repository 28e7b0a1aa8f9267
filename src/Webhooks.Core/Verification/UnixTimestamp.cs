using System.Globalization;
using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>Parses the Unix-seconds timestamps signed by the timestamped schemes and checks the replay window.</summary>
internal static class UnixTimestamp
{
    /// <summary>The window used when a source sets none (or a non-positive one): five minutes, as every provider documents.</summary>
    public const int DefaultToleranceSeconds = 300;

    /// <summary>Digits only: no sign, no spaces, no fractions; false on overflow.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long seconds) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);

    /// <summary>Whether the timestamp lies within ± tolerance of now: stale and future timestamps both fail.</summary>
    public static bool IsWithinWindow(long seconds, DateTimeOffset now, int toleranceSeconds)
    {
        var nowSeconds = now.ToUnixTimeSeconds();

        // Compared as bounds rather than |now - t| so an absurd timestamp cannot overflow.
        return seconds >= nowSeconds - toleranceSeconds && seconds <= nowSeconds + toleranceSeconds;
    }

    /// <summary>The source's tolerance, or the default when it is not positive.</summary>
    public static int ToleranceOf(SourceOptions source) =>
        source.ToleranceSeconds > 0 ? source.ToleranceSeconds : DefaultToleranceSeconds;
}
