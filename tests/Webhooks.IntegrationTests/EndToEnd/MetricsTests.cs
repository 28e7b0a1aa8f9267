using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.EndToEnd;

/// <summary>The "Webhooks" meter as an OpenTelemetry exporter would see it, fed by the real host.</summary>
public sealed class MetricsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task IntakeAndDelivery_AreCountedWithSourceStatusAndOutcome()
    {
        var seen = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Webhooks")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        await using var target = await ScriptedTarget.StartAsync();
        var deliveries = UniqueNames.Queue("metrics");
        await using var host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = deliveries,
            ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
            ["Webhooks:Sources:metered:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:metered:Secrets:0"] = SignedRequests.Secret,
            ["Webhooks:Sources:metered:Target:Url"] = target.Url.ToString(),
            ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
            ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
        });
        using var client = host.CreateClient();

        using var accepted = await client.SendAsync(SignedRequests.StandardWebhooks("metered", "{\"a\":1}", "msg_metrics", DateTimeOffset.UtcNow));
        using var unknown = await client.PostAsync("/api/webhooks/scanner-guess", new StringContent("{}", Encoding.UTF8, "application/json"));
        await target.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(20));
        // The meter is process-wide: wait for this host's own delivery, not any test's (another test's "done" once ended
        // the wait before this delivery's measurements were recorded).
        await Poll.UntilAsync(
            () => Task.FromResult(seen.Any(m => m.Instrument == "webhooks.deliveries" && Equals(m.Tags.GetValueOrDefault("source"), "metered"))),
            found => found);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Contains(seen, m => m.Instrument == "webhooks.intake.requests" && Equals(m.Tags["source"], "metered") && Equals(m.Tags["status"], 202));
        Assert.Contains(seen, m => m.Instrument == "webhooks.intake.requests" && Equals(m.Tags["source"], "(unknown)") && Equals(m.Tags["status"], 404));
        Assert.DoesNotContain(seen, m => Equals(m.Tags.GetValueOrDefault("source"), "scanner-guess"));
        Assert.Contains(seen, m => m.Instrument == "webhooks.delivery.attempts" && Equals(m.Tags["source"], "metered") && Equals(m.Tags["status"], 200));
        Assert.Contains(seen, m => m.Instrument == "webhooks.deliveries" && Equals(m.Tags["source"], "metered") && Equals(m.Tags["outcome"], "done"));
    }
}
