using Webhooks.Harness.Scenarios;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class IntakeSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IntakeBenchmark_200SignedDeliveries_AreAllAcceptedByEveryScenario()
    {
        // Arrange: 200 measured requests per scenario, no warm-up.
        var options = new IntakeOptions(Concurrency: 8, Duration: TimeSpan.FromSeconds(20), Warmup: TimeSpan.Zero, Rounds: 1, MaxOperations: 200);

        // Act
        var report = await IntakeBenchmark.RunAsync(options, new TestOutputWriter(output));

        // Assert: every uniquely signed delivery verified and queued (202), every raw put stored (201).
        var round = Assert.Single(report.Rounds);
        Assert.Equal(200, round.RawPut.Loop.Count(201));
        Assert.Equal(200, round.RawDedupPut.Loop.Count(201));
        Assert.Equal(200, round.Intake.Loop.Count(202));
        Assert.Equal(200, round.IntakeWithoutDedup.Loop.Count(202));
        Assert.Equal(200, round.Sink.Loop.Count(202));
        Assert.Equal(200, round.Bare.Loop.Count(202));
        Assert.True(round.Intake.Resources.HostCpuUs > 0, "The host's CPU time was not metered.");
    }
}
