using Webhooks.Configuration;
using Webhooks.Delivery;

namespace Webhooks.Core.Tests.Delivery;

public class BackoffTests
{
    private static DeliveryOptions Options(string jitter = "full", TimeSpan? maxDelay = null) => new()
    {
        BaseDelay = TimeSpan.FromSeconds(10),
        BackoffFactor = 2,
        MaxDelay = maxDelay ?? TimeSpan.FromHours(1),
        Jitter = jitter,
    };

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(5, 160)]
    [InlineData(9, 2560)]
    [InlineData(10, 3600)]
    [InlineData(1000, 3600)]
    [InlineData(int.MaxValue, 3600)]
    public void Nominal_IsBaseTimesFactorToTheAttemptMinusOne_CappedAtMaxDelay(int attempt, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Backoff.Nominal(attempt, Options()));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 10)]
    [InlineData(0.5, 20)]
    [InlineData(0.999, 39.96)]
    public void FullJitter_IsUniformBetweenZeroAndNominal(double draw, double expectedSeconds)
    {
        var delay = new Backoff(new FixedRandom(draw)).NextDelay(3, Options("full"));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Theory]
    [InlineData(1, 0.0, 10)]
    [InlineData(1, 0.999, 29.98)] // first retry: the previous delay counts as the base delay
    [InlineData(3, 0.0, 10)] // low end is the base delay
    [InlineData(3, 0.5, 35)] // between 10 s and 3 x 20 s (attempt 2's delay)
    [InlineData(3, 1.0, 60)]
    [InlineData(20, 1.0, 3600)] // capped
    public void DecorrelatedJitter_IsBetweenBaseAndThreeTimesThePreviousDelay(int attempt, double draw, double expectedSeconds)
    {
        var delay = new Backoff(new FixedRandom(draw)).NextDelay(attempt, Options("decorrelated"));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void NoJitter_IsTheNominalDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(40), new Backoff(new FixedRandom(0.1)).NextDelay(3, Options("none")));

    [Theory]
    [InlineData("full")]
    [InlineData("decorrelated")]
    [InlineData("none")]
    public void EveryMode_WithRealRandomness_StaysWithinZeroAndMaxDelay(string jitter)
    {
        var backoff = new Backoff(new Random(1234));
        var options = Options(jitter, TimeSpan.FromMinutes(5));

        for (var attempt = 1; attempt <= 40; attempt++)
        {
            for (var i = 0; i < 50; i++)
            {
                var delay = backoff.NextDelay(attempt, options);
                Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMinutes(5));
            }
        }
    }

    [Fact]
    public void FullJitter_WithRealRandomness_SpreadsTheDelays()
    {
        var backoff = new Backoff(new Random(42));

        var delays = Enumerable.Range(0, 100).Select(_ => backoff.NextDelay(4, Options())).ToHashSet();

        Assert.True(delays.Count > 90, $"only {delays.Count} distinct delays");
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(80)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(3599, 3599)]
    [InlineData(7200, 3600)]
    public void RetryAfter_IsHonouredWithinMaxDelay(int retryAfterSeconds, int expectedSeconds)
    {
        var delay = new Backoff(new FixedRandom(0.5)).NextDelay(1, Options(), TimeSpan.FromSeconds(retryAfterSeconds));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void AnyDelay_IsCappedAtTheQueueVisibilityLimitOfSevenDays()
    {
        var options = Options("none", TimeSpan.FromDays(30));

        Assert.Equal(TimeSpan.FromDays(7), new Backoff().NextDelay(100, options));
        Assert.Equal(TimeSpan.FromDays(7), new Backoff().NextDelay(1, options, TimeSpan.MaxValue));
    }

    [Fact]
    public void NegativeRetryAfter_BecomesZero() =>
        Assert.Equal(TimeSpan.Zero, new Backoff().NextDelay(1, Options(), TimeSpan.FromSeconds(-5)));
}
