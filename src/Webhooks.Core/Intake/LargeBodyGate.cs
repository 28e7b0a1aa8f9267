namespace Webhooks.Intake;

/// <summary>
/// Bounds how many large bodies one instance streams to blob storage at once. Each holds an upload block
/// (<c>Webhooks:Intake:PayloadBlockBytes</c>) until it is committed or dropped, so the bound caps the memory a burst of
/// large deliveries can take; above it intake answers 503 <c>serverBusy</c> with <c>Retry-After</c>, reads no further
/// and acknowledges nothing, and the provider resends.
/// </summary>
/// <remarks>
/// A slow sender cannot hold a slot hostage: when every slot is taken, a newcomer may take over the slot of the
/// slowest body that, past <c>LargeBodyGracePeriod</c>, averages less than <c>LargeBodyMinBytesPerSecond</c>. That
/// body stops being read at its next chunk and is answered 503 <c>serverBusy</c>, and its slot passes straight to
/// the newcomer (never back to the pool, where another slow sender could grab it first). The limits are passed on
/// each call, so a configuration reload applies to the next request.
/// </remarks>
internal sealed class LargeBodyGate(TimeProvider time)
{
    // How long a newcomer waits for the slot it took over: the slow body gives it up at its next chunk.
    private static readonly TimeSpan HandOverTimeout = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly List<LargeBodySlot> _held = [];

    /// <summary>A slot if one is free or can be taken over from a body slower than the minimum rate; otherwise null.</summary>
    public async Task<LargeBodySlot?> EnterAsync(int limit, long minBytesPerSecond, TimeSpan grace, CancellationToken cancellationToken)
    {
        TaskCompletionSource<LargeBodySlot> handOver;
        lock (_lock)
        {
            if (_held.Count < limit)
            {
                var slot = new LargeBodySlot(this, time);
                _held.Add(slot);
                return slot;
            }

            var victim = _held
                .Where(s => s.Successor is null && s.Age >= grace && s.BytesPerSecond < minBytesPerSecond)
                .MinBy(s => s.BytesPerSecond);
            if (victim is null)
            {
                return null;
            }

            handOver = victim.Successor = new TaskCompletionSource<LargeBodySlot>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            return await handOver.Task.WaitAsync(HandOverTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Too late: if the hand-over happens now, that slot goes straight back.
            if (!handOver.TrySetCanceled() && handOver.Task.IsCompletedSuccessfully)
            {
                handOver.Task.Result.Dispose();
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            return null;
        }
    }

    /// <summary>Bodies streaming now.</summary>
    internal int Held
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    internal void Exit(LargeBodySlot slot)
    {
        lock (_lock)
        {
            if (!_held.Remove(slot))
            {
                return;
            }

            if (slot.Successor is { } successor)
            {
                var next = new LargeBodySlot(this, time);
                if (successor.TrySetResult(next))
                {
                    _held.Add(next);
                }
            }
        }
    }
}

/// <summary>One large body's hold on the gate: how much of it has arrived, and whether a newcomer took it over.</summary>
internal sealed class LargeBodySlot(LargeBodyGate gate, TimeProvider time) : IDisposable
{
    private readonly long _started = time.GetTimestamp();
    private long _bytes;

    /// <summary>Set when a newcomer takes this slot over; the body then stops being read.</summary>
    public TaskCompletionSource<LargeBodySlot>? Successor { get; set; }

    /// <summary>True once taken over.</summary>
    public bool IsTakenOver => Successor is not null;

    public TimeSpan Age => time.GetElapsedTime(_started);

    public double BytesPerSecond => Interlocked.Read(ref _bytes) / Math.Max(Age.TotalSeconds, 0.001);

    public void Count(int bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>Gives the slot back (or to the newcomer that took it over).</summary>
    public void Dispose() => gate.Exit(this);
}

/// <summary>Thrown between reads of a large body whose slot a newcomer took over.</summary>
internal sealed class LargeBodyTakenOverException() : Exception("A faster large delivery took over this body's slot.");

/// <summary>The rest of a large body, counted for its slot and stopped between reads once the slot is taken over.</summary>
internal sealed class SlotMeteredStream(Stream body, LargeBodySlot slot) : Streaming.ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Only ever between reads, so no read is left pending on the server.
        if (slot.IsTakenOver)
        {
            throw new LargeBodyTakenOverException();
        }

        var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        slot.Count(read);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Large bodies are read asynchronously.");
}
