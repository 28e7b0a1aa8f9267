using Azure.Core;

namespace Webhooks.AzureStorage;

/// <summary>
/// Fits the SDK's retries into a time budget (<c>Webhooks:Intake:QueueWriteTimeout</c>): at most three tries, each
/// with a network timeout of at least one second, so that every try and the pauses between them end within the
/// budget. Without this a stalled connection would hold a call for the SDK's default 100 s per try, times four.
/// </summary>
public static class StorageRetryBudget
{
    /// <summary>The pause between tries (fixed; the SDK adds up to 20 % jitter).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private const int MaxTries = 3;
    private static readonly TimeSpan MinNetworkTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Sets <paramref name="retry"/> so that one call, retries included, takes at most <paramref name="budget"/>.</summary>
    public static void Apply(RetryOptions retry, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var (tries, networkTimeout) = Split(budget);
        retry.Mode = RetryMode.Fixed;
        retry.Delay = RetryDelay;
        retry.MaxDelay = RetryDelay;
        retry.MaxRetries = tries - 1;
        retry.NetworkTimeout = networkTimeout;
    }

    /// <summary>How many tries fit <paramref name="budget"/>, and the network timeout of each.</summary>
    public static (int Tries, TimeSpan NetworkTimeout) Split(TimeSpan budget)
    {
        for (var tries = MaxTries; tries > 1; tries--)
        {
            var perTry = TimeSpan.FromMilliseconds(Math.Floor(((budget - (MaxPause * (tries - 1))) / tries).TotalMilliseconds));
            if (perTry >= MinNetworkTimeout)
            {
                return (tries, perTry);
            }
        }

        return (1, budget > TimeSpan.Zero ? budget : MinNetworkTimeout);
    }

    private static TimeSpan MaxPause => RetryDelay * 1.25;
}
