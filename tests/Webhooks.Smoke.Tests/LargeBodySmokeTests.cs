using System.Net.Http.Headers;
using Webhooks.Harness.Load;
using Webhooks.Harness.Reporting;
using Webhooks.Harness.Scenarios;
using Webhooks.Harness.Targets;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

[Collection(SmokeCollection.Name)]
public sealed class LargeBodySmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LargeBodyRun_Four25MiBDeliveries_ArriveByteForByteWhileHostMemoryGrowsLessThanTheBytesInFlight()
    {
        // Arrange: bodies of the real default limit, far above a queue message (the claim-check path), two at a
        // time: 50 MiB in flight at intake, well clear of the host's one-off cost of a first large body (JIT of
        // the path, its first pooled blocks: about 20 MiB) that a smaller run could not tell from buffering.
        var options = new LargeBodyOptions(Count: 4, Concurrency: 2, BodyBytes: LargeBodyOptions.DefaultBodyBytes)
        {
            SendTimeout = TimeSpan.FromSeconds(60),
            DeliveryTimeout = TimeSpan.FromSeconds(60),
        };

        // Act
        var report = await LargeBodyScenario.RunAsync(options, new TestOutputWriter(output));
        output.WriteLine(LargeBodyMarkdown.Render(report, MachineFacts.Collect()));

        // Assert: every delivery accepted and received whole at the target, the host alive, and its memory grew by
        // less than the bodies it was handed at once (a host holding whole bodies grows by at least that much).
        Assert.True(report.HostAlive);
        Assert.Equal(new Dictionary<int, long> { [202] = 4 }, report.Intake.Outcomes);
        Assert.Empty(report.Problems);
        Assert.Equal(4, report.Verified);
        Assert.NotNull(report.AllDeliveredSeconds);
        Assert.True(report.Samples.Count >= 10, $"Only {report.Samples.Count} RSS samples.");
        Assert.True(report.BaselineBytes > 0, "No idle baseline was sampled.");
        Assert.True(
            report.GrowthBytes < options.InFlightBytes,
            $"Host RSS grew by {report.GrowthBytes / 1048576.0:F1} MiB with {options.InFlightBytes / 1048576.0:F1} MiB of bodies in flight.");
    }

    [Fact]
    public async Task SentBodies_BodyAlteredOnTheWay_IsReportedWithBothDigests()
    {
        // Arrange: a hashing target, and a body recorded as sent that differs by one byte from the one posted.
        await using var target = await LoopbackTarget.StartAsync((_, _) => TargetAnswer.Ok, hashBodies: true);
        var sent = new SentBodies();
        var original = SamplePayloads.Json(100_000, "msg_a");
        var altered = (byte[])original.Clone();
        altered[^10] ^= 0x01;
        sent.Record("msg_a", original);
        sent.Record("msg_b", original);
        using var http = new HttpClient();

        // Act: the target receives the altered body as msg_a and the original as msg_b.
        foreach (var (id, body) in new[] { ("msg_a", altered), ("msg_b", original) })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = content };
            request.Headers.Add("Idempotency-Key", id);
            using var response = await http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
        }

        var check = sent.Check(target, ["msg_a", "msg_b", "msg_c"]);

        // Assert: msg_b verified; msg_a a mismatch of equal length; msg_c never sent.
        Assert.Equal(1, check.Verified);
        Assert.Equal(2, check.Problems.Count);
        Assert.StartsWith("msg_a: sent 100000 bytes sha256 ", check.Problems[0], StringComparison.Ordinal);
        Assert.Contains("received 100000 bytes sha256 ", check.Problems[0], StringComparison.Ordinal);
        Assert.Equal("msg_c: never sent", check.Problems[1]);
        var received = Assert.Single(target.Histories["msg_b"].Bodies);
        Assert.Equal(original.Length, received.Length);
    }
}
