using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Webhooks.Diagnostics;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.IntegrationTests.Operations;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Tags = Webhooks.Diagnostics.WebhooksTelemetry.Tags;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>
/// Traces through the real host, Azurite and a loopback target, as the in-memory exporter receives them: one trace
/// from the provider's POST across the queue to the target's answer.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracingTests(AzuriteFixture azurite)
{
    private const string ProviderTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string AdminTraceParent = "00-6e0c63257de34c926f9efcd03899a1c1-0af7651916cd43dd-01";
    private const string AdminKey = "admin-key-for-telemetry-tests-0123";

    [Fact]
    public async Task OnePost_ProducesAnIntakeSpan_AndOneAttemptSpanPerCall_InTheSameTrace()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Of(503), TargetReply.Of(200));
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, target.Url);
        using var client = host.CreateClient();
        using var request = SignedRequests.StandardWebhooks("traced", "{\"type\":\"member.created\"}", "msg_otel_1", DateTimeOffset.UtcNow);
        request.Headers.TryAddWithoutValidation("traceparent", ProviderTraceParent);

        using var response = await client.SendAsync(request);
        var received = await target.WaitForAnsweredAsync(2, TimeSpan.FromSeconds(30));
        var attempts = await WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otel_1", 2);
        var intake = Assert.Single(host.Spans, s => s.OperationName == WebhooksTelemetry.IntakeSpan && Equals(s.GetTagItem(Tags.DeliveryId), "msg_otel_1"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("traced", intake.GetTagItem(Tags.Source));
        Assert.Equal("msg_otel_1", intake.GetTagItem(Tags.ProviderEventId));
        Assert.Equal(202, intake.GetTagItem(Tags.Status));
        Assert.Equal("new", intake.GetTagItem(Tags.Dedup));
        Assert.Equal(deliveries, intake.GetTagItem(Tags.Queue));
        Assert.Equal(25L, Convert.ToInt64(intake.GetTagItem(Tags.BodySize), System.Globalization.CultureInfo.InvariantCulture));

        // The intake span is the request's server span: it continues the provider's traceparent itself, and
        // ASP.NET Core's own span of the request is not recorded.
        Assert.Equal(ActivityKind.Server, intake.Kind);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", intake.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", intake.ParentSpanId.ToHexString());
        Assert.Equal("POST", intake.GetTagItem(Tags.HttpMethod));
        Assert.Equal("/api/webhooks/{source}", intake.GetTagItem(Tags.HttpRoute));
        Assert.DoesNotContain(host.Spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("url.path") is string path && path.StartsWith("/api/webhooks/", StringComparison.Ordinal));

        // Both attempts continue the intake span's trace and link to the provider's own context.
        Assert.All(attempts, a => Assert.Equal(intake.TraceId, a.TraceId));
        Assert.All(attempts, a => Assert.Equal(intake.SpanId, a.ParentSpanId));
        Assert.All(attempts, a => Assert.Contains(a.Links, l => l.Context.SpanId.ToHexString() == "00f067aa0ba902b7"));
        Assert.All(attempts, a => Assert.Equal("127.0.0.1", a.GetTagItem(Tags.ServerAddress)));
        var first = Assert.Single(attempts, a => Equals(a.GetTagItem(Tags.Attempt), 1));
        var second = Assert.Single(attempts, a => Equals(a.GetTagItem(Tags.Attempt), 2));
        Assert.Equal(503, first.GetTagItem(Tags.Status));
        Assert.Equal("requeue", first.GetTagItem(Tags.Outcome));
        Assert.True((double)first.GetTagItem(Tags.RetryDelay)! > 0);
        Assert.Equal(200, second.GetTagItem(Tags.Status));
        Assert.Equal("done", second.GetTagItem(Tags.Outcome));
        Assert.True((double)second.GetTagItem(Tags.CallDuration)! > 0);

        // The target was told the trace: every call carried a traceparent of the intake's trace.
        Assert.All(received, r => Assert.Equal(intake.TraceId.ToHexString(), r.Header("traceparent")?.Split('-')[1]));

        // The HttpClient spans of the target calls keep the target's authority only (its path may carry a key).
        var calls = host.Spans.Where(s => s.OperationName == "System.Net.Http.HttpRequestOut" && attempts.Any(a => a.SpanId == s.ParentSpanId)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(target.BaseUri.GetLeftPart(UriPartial.Authority) + "/", c.GetTagItem("url.full")));

        // The worker polled the queue many times meanwhile; those calls belong to no trace and are not recorded.
        Assert.DoesNotContain(host.Spans, s => s.OperationName == "System.Net.Http.HttpRequestOut" && s.ParentSpanId == default);
    }

    [Fact]
    public async Task WithoutATraceparent_TheIntakeSpanStartsATrace_WhileAdminRequestsKeepAspNetCoresSpan()
    {
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, new Uri("http://127.0.0.1:9/never-called"));
        using var client = host.CreateClient();

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks("traced", "{\"type\":\"member.created\"}", "msg_otel_root", DateTimeOffset.UtcNow));
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/api/admin/queues");
        admin.Headers.Add("x-api-key", AdminKey);
        admin.Headers.TryAddWithoutValidation("traceparent", AdminTraceParent); // to tell its span from other tests' (spans are process-wide)
        using var adminResponse = await client.SendAsync(admin);
        var intake = Assert.Single(host.Spans, s => s.OperationName == WebhooksTelemetry.IntakeSpan && Equals(s.GetTagItem(Tags.DeliveryId), "msg_otel_root"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(ActivityKind.Server, intake.Kind);
        Assert.Equal(default, intake.ParentSpanId); // a root: not a child of a span nobody exports
        Assert.Null(intake.Parent);

        // A refusal's problem body names the trace that was exported: the intake span's.
        using var forged = SignedRequests.StandardWebhooks("traced", "{\"type\":\"member.created\"}", "msg_otel_forged", DateTimeOffset.UtcNow);
        forged.Headers.Remove("webhook-signature");
        forged.Headers.TryAddWithoutValidation("webhook-signature", "v1,bm90LXRoZS1zaWduYXR1cmU=");
        using var refused = await client.SendAsync(forged);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var traceId = problem.RootElement.GetProperty("traceId").GetString();
        var refusal = Assert.Single(host.Spans, s => s.OperationName == WebhooksTelemetry.IntakeSpan && s.TraceId.ToHexString() == traceId);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(401, refusal.GetTagItem(Tags.Status));
        Assert.Equal(HttpStatusCode.OK, adminResponse.StatusCode);
        // A span is exported when its activity stops, which may be just after the client has its answer.
        var adminSpan = await Poll.UntilAsync(
            () => Task.FromResult(host.Spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId.ToHexString() == AdminTraceParent.Split('-')[1])),
            span => span is not null,
            TimeSpan.FromSeconds(10));
        Assert.NotNull(adminSpan);
        Assert.Equal(ActivityKind.Server, adminSpan.Kind);
        Assert.Equal("/api/admin/queues", adminSpan.GetTagItem("url.path"));
        Assert.Equal(200, adminSpan.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task StorageCalls_IntakeWritesAreSpansOfItsTrace_TheDeliverysSettlementAndPollsAreNotRecorded()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Of(200));
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, target.Url);
        using var client = host.CreateClient();

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks("traced", "{\"type\":\"member.created\"}", "msg_otel_storage", DateTimeOffset.UtcNow));
        var attempt = Assert.Single(await WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otel_storage", 1));
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(deliveries);
        await WaitUntilEmptyAsync(queue); // the message is deleted (settled) after the attempt span ends
        var intake = Assert.Single(host.Spans, s => s.OperationName == WebhooksTelemetry.IntakeSpan && Equals(s.GetTagItem(Tags.DeliveryId), "msg_otel_storage"));
        var httpSpans = host.Spans.Where(s => s.OperationName == "System.Net.Http.HttpRequestOut").ToList();
        var toTheQueue = httpSpans.Where(s => s.GetTagItem("url.full") is string url && url.Contains($"/{deliveries}/", StringComparison.Ordinal)).ToList();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // Intake's Put Message is a client span of the intake trace, under the intake span.
        var put = Assert.Single(toTheQueue);
        Assert.Equal("POST", put.GetTagItem("http.request.method"));
        Assert.Equal(intake.SpanId, put.ParentSpanId);

        // The attempt's only child is the target call; the worker's receives and the Delete that settled the message
        // belong to no trace and are not recorded (the Put above is the only span that touched the queue).
        var call = Assert.Single(httpSpans, s => s.ParentSpanId == attempt.SpanId);
        Assert.Equal(target.BaseUri.GetLeftPart(UriPartial.Authority) + "/", call.GetTagItem("url.full"));
        Assert.DoesNotContain(toTheQueue, s => Equals(s.GetTagItem("http.request.method"), "DELETE"));
    }

    [Fact]
    public async Task DeadLetter_SpanSaysWhy_WithTheTargetsErrorCode()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Json(422, """{"errorCode":"invalidArguments","message":"The given data was invalid."}"""));
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, target.Url);
        using var client = host.CreateClient();

        using var response = await client.SendAsync(SignedRequests.StandardWebhooks("traced", "{\"a\":1}", "msg_otel_dlq", DateTimeOffset.UtcNow));
        var attempt = Assert.Single(await WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otel_dlq", 1));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(422, attempt.GetTagItem(Tags.Status));
        Assert.Equal("deadLetter", attempt.GetTagItem(Tags.Outcome));
        Assert.Equal("targetRejected", attempt.GetTagItem(Tags.Reason));
        Assert.Equal("invalidArguments", attempt.GetTagItem(Tags.ErrorCode));
        Assert.Equal(ActivityStatusCode.Error, attempt.Status);
    }

    [Fact]
    public async Task Replay_IsANewTrace_LinkedToTheOriginalIntake()
    {
        await using var target = await ScriptedTarget.StartAsync();
        target.Enqueue(TargetReply.Of(422), TargetReply.Of(200));
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, target.Url);
        using var client = host.CreateClient();

        using var accepted = await client.SendAsync(SignedRequests.StandardWebhooks("traced", "{\"a\":1}", "msg_otel_replay", DateTimeOffset.UtcNow));
        await WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otel_replay", 1);
        var replayed = await ReplayAsync(client, "msg_otel_replay");
        var attempts = await WaitForSpansAsync(host, WebhooksTelemetry.DeliverySpan, "msg_otel_replay", 2);
        var intake = Assert.Single(host.Spans, s => s.OperationName == WebhooksTelemetry.IntakeSpan && Equals(s.GetTagItem(Tags.DeliveryId), "msg_otel_replay"));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(1, replayed);
        var original = Assert.Single(attempts, a => a.GetTagItem(Tags.ReplayCount) is null);
        var replay = Assert.Single(attempts, a => Equals(a.GetTagItem(Tags.ReplayCount), 1));
        Assert.Equal(intake.TraceId, original.TraceId);
        Assert.NotEqual(intake.TraceId, replay.TraceId); // the admin request's trace
        Assert.Contains(replay.Links, l => l.Context.TraceId == intake.TraceId && l.Context.SpanId == intake.SpanId);
        Assert.Equal("done", replay.GetTagItem(Tags.Outcome));
    }

    [Fact]
    public async Task RefusedRequest_IntakeSpanCarriesStatusAndErrorCode_AndUnknownSourcesStayOut()
    {
        var deliveries = UniqueNames.Queue("otel");
        await using var host = CreateHost("traced", deliveries, new Uri("http://127.0.0.1:9/hooks"));
        using var client = host.CreateClient();

        using var unsigned = await client.PostAsync("/api/webhooks/traced", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var unknown = await client.PostAsync("/api/webhooks/otel-scanner-guess", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var spans = host.Spans.Where(s => s.OperationName == WebhooksTelemetry.IntakeSpan && s.TraceId.ToHexString() is var id
            && (id == TraceIdOf(unsigned) || id == TraceIdOf(unknown))).ToList();

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Contains(spans, s => Equals(s.GetTagItem(Tags.Status), 401) && Equals(s.GetTagItem(Tags.ErrorCode), "missingSignature") && Equals(s.GetTagItem(Tags.Source), "traced"));
        Assert.Contains(spans, s => Equals(s.GetTagItem(Tags.Status), 404) && Equals(s.GetTagItem(Tags.Source), WebhooksMetrics.UnknownSource));
        Assert.DoesNotContain(host.Spans, s => Equals(s.GetTagItem(Tags.Source), "otel-scanner-guess"));
    }

    private static string? TraceIdOf(HttpResponseMessage response)
    {
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("traceId", out var id) ? id.GetString() : null;
    }

    // The dead-letter record is written just after the delivery span ends: retry the replay until it finds it (bounded).
    private static async Task<int> ReplayAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await AdminCalls.SendAsync(client, AdminKey, HttpMethod.Post, "deadletters/replay", $$"""{"ids":["{{id}}"]}""");
            using var json = await AdminCalls.JsonAsync(response);
            var replayed = json.RootElement.TryGetProperty("replayed", out var n) ? n.GetInt32() : 0;
            if (replayed > 0 || DateTime.UtcNow > deadline)
            {
                return replayed;
            }

            await Task.Delay(100);
        }
    }

    private TelemetryHost CreateHost(string source, string deliveries, Uri targetUrl) => new(new Dictionary<string, string?>
    {
        ["Webhooks:Admin:ApiKeys:0"] = AdminKey,
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Webhooks:Queues:Deliveries"] = deliveries,
        ["Webhooks:Queues:DeadLetter"] = deliveries + "-dlq",
        [$"Webhooks:Sources:{source}:Verification"] = "standard-webhooks",
        [$"Webhooks:Sources:{source}:Secrets:0"] = SignedRequests.Secret,
        [$"Webhooks:Sources:{source}:Target:Url"] = targetUrl.ToString(),
        ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
        ["Webhooks:Delivery:BaseDelay"] = "00:00:00.100",
        ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
        ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
        ["Webhooks:Delivery:Jitter"] = "none",
    });

    // Bounded: the worker deletes the delivered message just after its span ends.
    private static async Task WaitUntilEmptyAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    // Spans are exported when they end, just after the target has answered: wait for them (bounded), never sleep.
    internal static async Task<List<Activity>> WaitForSpansAsync(TelemetryHost host, string operation, string deliveryId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var spans = host.Spans.Where(s => s.OperationName == operation && Equals(s.GetTagItem(Tags.DeliveryId), deliveryId)).ToList();
            if (spans.Count >= count || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }
}
