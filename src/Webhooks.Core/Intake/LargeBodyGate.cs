namespace Webhooks.Intake;

/// <summary>
/// Bounds how many large bodies one instance streams to blob storage at once. Each holds an upload block
/// (<c>Webhooks:Intake:PayloadBlockBytes</c>) until it is committed or dropped, so the bound caps the memory a burst of
/// large deliveries can take; above it intake answers 503 <c>serverBusy</c> with <c>Retry-After</c>, reads no further
/// and acknowledges nothing, and the provider resends.
/// </summary>
/// <remarks>The limit is passed on each call, so a configuration reload applies to the next request.</remarks>
internal sealed class LargeBodyGate
{
    private int _inFlight;

    /// <summary>Takes a slot if fewer than <paramref name="limit"/> are taken; pair a true answer with <see cref="Exit"/>.</summary>
    public bool TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>Gives a slot back.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
