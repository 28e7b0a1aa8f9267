using Webhooks.Harness.Fuzzing;
using Webhooks.Harness.Reporting;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzz_500SeededCases_GetOnlyDocumentedAnswersAndTheHostSurvives()
    {
        // Arrange: the recorded run's seed, the first 500 cases.
        var options = new FuzzOptions(Seed: 8, Count: 500);

        // Act
        var report = await FuzzRun.RunAsync(options, new TestOutputWriter(output));
        output.WriteLine(report.ToMarkdown(MachineFacts.Collect()));

        // Assert: no 500, no undocumented status, every error a problem body, no hang, the host alive.
        Assert.Equal(500, report.Cases);
        Assert.Equal(0, report.Outcomes.GetValueOrDefault(FuzzOutcome.ServerError));
        Assert.Equal(0, report.Outcomes.GetValueOrDefault(FuzzOutcome.Undocumented));
        Assert.Equal(0, report.Outcomes.GetValueOrDefault(FuzzOutcome.MissingProblemBody));
        Assert.Equal(0, report.Outcomes.GetValueOrDefault(FuzzOutcome.Hang));
        Assert.Equal(0, report.Failures);
        Assert.True(report.HostAlive);
        Assert.Equal(0, report.UnhandledExceptionLines);
        Assert.Equal(report.Accepted, report.Queued);
    }
}
