using Webhooks.Harness.Scenarios;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class DeliverySmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DeliveryBenchmark_200QueuedDeliveries_AreAllDrainedByTheRawLoopAndDeliveredByTheWorker()
    {
        // Arrange
        var options = new DeliveryBenchmarkOptions(Messages: 200, Rounds: 1, Timeout: TimeSpan.FromSeconds(40));

        // Act
        var report = await DeliveryBenchmark.RunAsync(options, new TestOutputWriter(output));

        // Assert: the raw loop deleted all 200; the worker got a 2xx from the target for all 200 and emptied the queue.
        var round = Assert.Single(report.Rounds);
        Assert.Equal(200, round.Raw.Messages);
        Assert.Equal(200, round.Worker.Messages);
        Assert.True(round.Worker.Elapsed < options.Timeout, "The worker did not drain the queue in time.");
    }
}
