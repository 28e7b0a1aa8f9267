using Webhooks.DeadLetters;

namespace Webhooks.Core.Tests.DeadLetters;

/// <summary>The replay pacer on a clock whose timers fire late by a fixed amount (a loaded machine).</summary>
public sealed class ReplayPacerTests
{
    [Fact]
    public async Task LateTimers_DoNotPileUp_SoTheRateIsKept()
    {
        var clock = new LateTimerClock(lateBy: TimeSpan.FromMilliseconds(3));
        var pacer = new ReplayPacer(100, clock); // one start every 10 ms

        for (var i = 0; i < 100; i++)
        {
            await pacer.WaitAsync(CancellationToken.None);
        }

        // 99 intervals after the first start; a pause-after-each pacer would take 99 × 13 ms = 1.29 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(990), TimeSpan.FromMilliseconds(1000));
    }

    [Fact]
    public async Task AfterAStall_ItCatchesUpByAtMostMaxCatchUp_NotInAFlood()
    {
        var clock = new LateTimerClock(lateBy: TimeSpan.Zero);
        var pacer = new ReplayPacer(100, clock);
        await pacer.WaitAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(5)); // e.g. a slow page read: 500 starts missed
        var before = clock.Elapsed;
        for (var i = 0; i < 300; i++)
        {
            await pacer.WaitAsync(CancellationToken.None);
        }

        // 2 s of catch-up: 200 missed starts plus the one due now go at once; the other 99 are spaced again (10 ms each).
        Assert.Equal(TimeSpan.FromSeconds(2), ReplayPacer.MaxCatchUp);
        Assert.Equal(TimeSpan.FromMilliseconds(990), clock.Elapsed - before);
    }

    [Fact]
    public async Task NoRate_NeverWaits()
    {
        var clock = new LateTimerClock(lateBy: TimeSpan.FromMilliseconds(3));
        var pacer = new ReplayPacer(null, clock);

        for (var i = 0; i < 10; i++)
        {
            await pacer.WaitAsync(CancellationToken.None);
        }

        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    // Time moves only when a timer is set: it jumps to the timer's due time plus the lateness, then fires it.
    private sealed class LateTimerClock(TimeSpan lateBy) : TimeProvider
    {
        private long _ticks;

        public TimeSpan Elapsed => TimeSpan.FromTicks(_ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Advance(dueTime + lateBy);
            callback(state);
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
