using Webhooks.Harness.Reconciliation;
using Webhooks.Harness.Reporting;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class ReconciliationSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reconciliation_300DeliveriesThroughAnAzuriteRestart_LosesNothing()
    {
        // Arrange: the full harness, smaller, with one Azurite restart and no host kill.
        var options = new ReconciliationOptions(Deliveries: 300, Concurrency: 8, KillHost: false)
        {
            AzuriteDowntime = TimeSpan.FromSeconds(1),
            DrainTimeout = TimeSpan.FromSeconds(60),
        };

        // Act
        var report = await ReconciliationRun.RunAsync(options, new TestOutputWriter(output));
        output.WriteLine(report.ToMarkdown(MachineFacts.Collect()));

        // Assert
        Assert.Equal(300, report.Sent);
        Assert.Equal(300, report.Acknowledged);
        Assert.Empty(report.Lost);
        Assert.Empty(report.WrongEnd);
        Assert.InRange(report.DuplicateDeliveries + report.DuplicateDeadLetters, 0, report.DuplicateBound);
        Assert.Contains(report.Events, e => e.Contains("Azurite back", StringComparison.Ordinal));
        Assert.True(report.Passed);
    }
}
