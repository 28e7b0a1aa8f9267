using Webhooks.Configuration;

namespace Webhooks.Functions.Tests;

public sealed class FunctionsQueueCountValidatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(DeliverWebhook.WiredQueueCount)]
    public void Count_UpToTheWiredTriggers_IsAccepted(int count)
    {
        var result = new FunctionsQueueCountValidator().Validate(null, new WebhooksOptions { Queues = { Count = count } });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Count_AboveTheWiredTriggers_FailsNamingTheSettingAndTheLimit()
    {
        var result = new FunctionsQueueCountValidator().Validate(null, new WebhooksOptions { Queues = { Count = DeliverWebhook.WiredQueueCount + 1 } });

        Assert.True(result.Failed);
        Assert.Contains("Webhooks:Queues:Count is 9", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("8 delivery queues", result.FailureMessage, StringComparison.Ordinal);
    }
}
