using Webhooks.Delivery;

namespace Webhooks.Core.Tests.Delivery;

public class RetryAfterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("2", 2)]
    [InlineData(" 120 ", 120)]
    [InlineData("86400", 86400)]
    public void DeltaSeconds_IsTheDelay(string value, int expectedSeconds)
    {
        Assert.True(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Theory]
    [InlineData("Thu, 01 Jan 2026 12:00:30 GMT", 30)] // IMF-fixdate
    [InlineData("Thursday, 01-Jan-26 12:01:00 GMT", 60)] // RFC 850
    [InlineData("Thu Jan  1 12:00:05 2026", 5)] // asctime
    public void HttpDate_IsTheTimeUntilThatDate(string value, int expectedSeconds)
    {
        Assert.True(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void HttpDateInThePast_IsZero()
    {
        Assert.True(RetryAfterParser.TryParse("Wed, 31 Dec 2025 23:00:00 GMT", Now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Theory]
    [InlineData("99999999999999999999999")]
    [InlineData("9223372036854775807")]
    public void HugeDeltaSeconds_IsMaxValueForTheCallerToCap(string value)
    {
        Assert.True(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.MaxValue, delay);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("5s")]
    [InlineData("soon")]
    [InlineData("Thu, 32 Jan 2026 12:00:00 GMT")]
    [InlineData("2026-01-01T12:00:30Z")]
    public void Garbage_IsRejected(string? value)
    {
        Assert.False(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }
}
