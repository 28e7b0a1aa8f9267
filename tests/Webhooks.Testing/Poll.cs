namespace Webhooks.Testing;

/// <summary>Waits for a state the system under test reaches by itself, with a generous bound (never a fixed sleep).</summary>
public static class Poll
{
    /// <summary>
    /// Reads every 100 ms until <paramref name="done"/> holds or <paramref name="patience"/> (20 s unless given) has
    /// passed, and returns the last value read: the caller's assertion on it says what was missing.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read().ConfigureAwait(false);
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
