using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Webhooks.Diagnostics;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>The "Webhooks" meter through OpenTelemetry's in-memory exporter after a scripted run on the real host.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ExportedMetricsTests(AzuriteFixture azurite)
{
    private const string Source = "otelmetered";

    [Fact]
    public async Task ScriptedRun_ExportsIntakeDeliveryAttemptLatencyAndQueueMetrics()
    {
        await using var target = await ScriptedTarget.StartAsync();
        // Delivery 1: 503 then 200 (two attempts, delivered); delivery 2: 422 (one attempt, dead-lettered).
        target.Enqueue(TargetReply.Of(503), TargetReply.Of(200), TargetReply.Of(422));
        var deliveries = UniqueNames.Queue("otelm");
        await using var host = new TelemetryHost(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = deliveries,
            ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
            [$"Webhooks:Sources:{Source}:Verification"] = "standard-webhooks",
            [$"Webhooks:Sources:{Source}:Secrets:0"] = SignedRequests.Secret,
            [$"Webhooks:Sources:{Source}:Target:Url"] = target.Url.ToString(),
            ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
            ["Webhooks:Delivery:BaseDelay"] = "00:00:00.100",
            ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
            ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
            ["Webhooks:Delivery:Jitter"] = "none",
        });
        using var client = host.CreateClient();

        using var first = await client.SendAsync(SignedRequests.StandardWebhooks(Source, "{\"n\":1}", "msg_otelm_1", DateTimeOffset.UtcNow));
        await target.WaitForAnsweredAsync(2, TimeSpan.FromSeconds(30));
        await TracingTests.WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otelm_1", 2);
        using var second = await client.SendAsync(SignedRequests.StandardWebhooks(Source, "{\"n\":2}", "msg_otelm_2", DateTimeOffset.UtcNow));
        await target.WaitForAnsweredAsync(3, TimeSpan.FromSeconds(30));
        await TracingTests.WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otelm_2", 1);
        await SettledAsync(host, deliveries);
        var metrics = host.CollectMetrics();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(2, Sum(metrics["webhooks.intake.requests"], ("source", Source), ("status", 202)));
        Assert.Equal(1, Sum(metrics["webhooks.deliveries"], ("source", Source), ("outcome", "done")));
        Assert.Equal(1, Sum(metrics["webhooks.deliveries"], ("source", Source), ("outcome", "requeue")));
        Assert.Equal(1, Sum(metrics["webhooks.deliveries"], ("source", Source), ("outcome", "deadLetter")));
        Assert.Equal(3, Sum(metrics["webhooks.delivery.attempts"], ("source", Source)));

        var attemptsDone = Point(metrics["webhooks.delivery.attempts_per_delivery"], ("source", Source), ("outcome", "done"));
        Assert.Equal(1, attemptsDone.GetHistogramCount());
        Assert.Equal(2, attemptsDone.GetHistogramSum());
        var attemptsDead = Point(metrics["webhooks.delivery.attempts_per_delivery"], ("source", Source), ("outcome", "deadLetter"));
        Assert.Equal(1, attemptsDead.GetHistogramSum());
        var endToEnd = Point(metrics["webhooks.delivery.end_to_end.duration"], ("source", Source));
        Assert.Equal(1, endToEnd.GetHistogramCount());
        Assert.True(endToEnd.GetHistogramSum() > 0);
        Assert.Equal("s", metrics["webhooks.delivery.end_to_end.duration"].Unit);

        // Gauges from the sampler: the deliveries queue drained, the dead-letter queue holds the one record.
        Assert.Equal(0, Point(metrics["webhooks.queue.depth"], ("queue", deliveries)).GetGaugeLastValueLong());
        Assert.Equal(1, Point(metrics["webhooks.queue.depth"], ("queue", deliveries + "-dlq")).GetGaugeLastValueLong());
        Assert.True(Point(metrics["webhooks.queue.oldest_age"], ("queue", deliveries + "-dlq")).GetGaugeLastValueDouble() >= 0);
        Assert.Contains("webhooks.targets.paused", metrics.Keys);
    }

    // The spans end just before the message is settled (deleted, dead-lettered): sample until the queues show it (bounded).
    private static async Task SettledAsync(TelemetryHost host, string deliveries)
    {
        var sampler = host.Services.GetServices<IHostedService>().OfType<QueueMetricsSampler>().Single();
        var metrics = host.Services.GetRequiredService<WebhooksMetrics>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(await sampler.SampleOnceAsync());
            var stats = metrics.LatestQueueStats;
            if (stats.Any(q => q.Name == deliveries && q.ApproximateCount == 0) && stats.Any(q => q.Name == deliveries + "-dlq" && q.ApproximateCount == 1))
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    private static long Sum(MetricSnapshot metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetSumLong());

    private static MetricPoint Point(MetricSnapshot metric, params (string Key, object Value)[] tags) => Assert.Single(Points(metric, tags));

    private static List<MetricPoint> Points(MetricSnapshot metric, (string Key, object Value)[] tags)
    {
        var matching = new List<MetricPoint>();
        foreach (var point in metric.MetricPoints)
        {
            var pointTags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture))))
            {
                matching.Add(point);
            }
        }

        return matching;
    }
}
