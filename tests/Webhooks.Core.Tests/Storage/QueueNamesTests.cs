using Webhooks.Storage;

namespace Webhooks.Core.Tests.Storage;

public sealed class QueueNamesTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("webhooks-deliveries", true)]
    [InlineData("webhooks-deliveries-poison", true)]
    [InlineData("a1-b2-c3", true)]
    [InlineData("ab", false)]
    [InlineData("Uppercase", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    [InlineData("double--hyphen", false)]
    [InlineData("under_score", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid_FollowsTheServiceNamingRules(string? name, bool valid)
    {
        Assert.Equal(valid, QueueNames.IsValid(name));
    }

    [Fact]
    public void IsValid_SixtyFourCharacters_IsTooLong()
    {
        Assert.True(QueueNames.IsValid(new string('a', 63)));
        Assert.False(QueueNames.IsValid(new string('a', 64)));
    }

    [Fact]
    public void GetQueueClient_InvalidName_ThrowsBeforeAnyCall()
    {
        var service = QueueServiceClient.FromConnectionString("UseDevelopmentStorage=true");

        var error = Assert.Throws<ArgumentException>(() => service.GetQueueClient("Bad_Name"));

        Assert.Equal("queueName", error.ParamName);
    }
}
