using Webhooks.Harness.Scenarios;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class MemorySmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MemoryRun_FiveSecondsOfMixedLoad_KeepsTheHostAliveAndUnder300MiB()
    {
        // Arrange
        var options = new MemoryOptions(TimeSpan.FromSeconds(5), Concurrency: 4);

        // Act
        var report = await MemoryScenario.RunAsync(options, new TestOutputWriter(output));

        // Assert: only the answers the mix asks for, the host alive, RSS sampled and under the goal. (Flatness needs
        // minutes, not seconds: it is judged in the recorded run, docs/benchmarks.md.)
        Assert.True(report.HostAlive);
        Assert.Equal([202, 400, 401, 404], report.Intake.Outcomes.Keys.Order());
        Assert.True(report.Samples.Count >= 3, $"Only {report.Samples.Count} RSS samples.");
        Assert.InRange(report.PeakBytes, 1, MemoryReport.PeakGoalBytes - 1);
        Assert.True(report.Delivered > 0, "The workers delivered nothing.");
    }
}
