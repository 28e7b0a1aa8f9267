namespace Webhooks.Benchmarks;

/// <summary>A clock that never moves, so signed benchmark deliveries stay inside the replay window however long a run takes.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now;
}
