using System.Diagnostics;
using System.Net.Http;
using System.Text;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Diagnostics;
using Webhooks.Envelopes;
using Tags = Webhooks.Diagnostics.WebhooksTelemetry.Tags;

namespace Webhooks.Core.Tests.Diagnostics;

/// <summary>The trace context the envelope carries from intake to every attempt, and across replays.</summary>
public sealed class TraceContextTests : IDisposable
{
    private const string Intake = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string Provider = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string Original = "00-11111111111111111111111111111111-2222222222222222-01";

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == WebhooksTelemetry.SourceName || source.Name == "test",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    private readonly ActivitySource _test = new("test");

    public TraceContextTests() => ActivitySource.AddActivityListener(_listener);

    public void Dispose()
    {
        _listener.Dispose();
        _test.Dispose();
    }

    [Theory]
    [InlineData(Intake, true)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331", false)]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", false)]
    [InlineData("not a traceparent", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Valid_KeepsOnlyWellFormedTraceparents(string? value, bool valid) =>
        Assert.Equal(valid ? value : null, TraceParents.Valid(value));

    [Fact]
    public void Envelope_CarriesTheTraceFields_AndOldMessagesWithoutThemStillRead()
    {
        var envelope = NewEnvelope();
        envelope.TraceParent = Intake;
        envelope.ProviderTraceParent = Provider;

        var copy = EnvelopeSerializer.Deserialize(EnvelopeSerializer.Serialize(envelope));
        var old = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(
            "{\"id\":\"d1\",\"source\":\"shop\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"contentType\":\"application/json\",\"body\":\"e30=\"}"));

        Assert.Equal(Intake, copy.TraceParent);
        Assert.Equal(Provider, copy.ProviderTraceParent);
        Assert.Null(copy.OriginalTraceParent);
        Assert.Null(old.TraceParent);
        Assert.Null(old.ProviderTraceParent);
    }

    [Fact]
    public void Start_ContinuesTheEnvelopesTrace_AndLinksTheProvidersAndTheOriginal()
    {
        var envelope = NewEnvelope();
        envelope.TraceParent = Intake;
        envelope.ProviderTraceParent = Provider;
        envelope.OriginalTraceParent = Original;
        envelope.Attempt = 2;

        using var activity = DeliveryTelemetry.Start(envelope, "deliveries");

        Assert.NotNull(activity);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", activity.ParentSpanId.ToHexString());
        Assert.Equal(ActivityKind.Consumer, activity.Kind);
        Assert.Equal(["00f067aa0ba902b7", "2222222222222222"], activity.Links.Select(l => l.Context.SpanId.ToHexString()));
        Assert.Equal(3, activity.GetTagItem(Tags.Attempt));
        Assert.Equal("deliveries", activity.GetTagItem(Tags.Queue));
    }

    [Fact]
    public void Start_WithoutStoredContext_StartsATraceOfItsOwn()
    {
        using var activity = DeliveryTelemetry.Start(NewEnvelope(), "deliveries");

        Assert.NotNull(activity);
        Assert.Equal(default, activity.ParentSpanId);
        Assert.Empty(activity.Links);
    }

    [Fact]
    public void Settled_TagsTheClassification_AndMarksDeadLettersAsErrors()
    {
        var activity = DeliveryTelemetry.Start(NewEnvelope(), "deliveries");
        DeliveryTelemetry.Settled(
            activity,
            NewEnvelope(),
            new DeliveryOutcome { Kind = DeliveryOutcomeKind.DeadLettered, Attempt = 1, Status = 422, Reason = "targetRejected", ErrorCode = "invalidArguments" },
            DateTimeOffset.UtcNow,
            metrics: null);

        Assert.NotNull(activity);
        Assert.True(activity.IsStopped);
        Assert.Equal("deadLetter", activity.GetTagItem(Tags.Outcome));
        Assert.Equal("targetRejected", activity.GetTagItem(Tags.Reason));
        Assert.Equal("invalidArguments", activity.GetTagItem(Tags.ErrorCode));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public void Replay_LinksToTheOriginalIntake_AndContinuesTheReplayingSpan()
    {
        var dead = NewEnvelope();
        dead.TraceParent = Original;

        DeliveryEnvelope replayed, replayedAgain;
        using (var replay = _test.StartActivity("replay"))
        {
            replayed = ReplayEnvelope.From(dead, DateTimeOffset.UtcNow);
            Assert.Equal(replay!.Id, replayed.TraceParent);
        }

        replayedAgain = ReplayEnvelope.From(replayed, DateTimeOffset.UtcNow);

        Assert.Equal(Original, replayed.OriginalTraceParent);
        Assert.Equal(Original, replayedAgain.OriginalTraceParent); // still the first intake, not the first replay
        Assert.Null(replayedAgain.TraceParent); // no span around it: its attempts start a new trace, linked
    }

    [Fact]
    public void Propagate_WithoutACurrentSpan_SendsTheStoredTraceparent()
    {
        var envelope = NewEnvelope();
        envelope.TraceParent = Intake;
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://target.example/hooks");

        DeliveryTelemetry.Propagate(request, envelope);

        Assert.Equal([Intake], request.Headers.GetValues("traceparent"));
    }

    [Fact]
    public void LogScope_CarriesDeliveryIdAndTheStoredTraceId_WhenNoSpanIsRecorded()
    {
        var envelope = NewEnvelope();
        envelope.TraceParent = Intake;

        var scope = DeliveryLogScope.For(envelope, "deliveries");

        Assert.Equal("d1", scope["DeliveryId"]);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", scope["TraceId"]);
    }

    private static DeliveryEnvelope NewEnvelope() => new()
    {
        Id = "d1",
        Source = "shop",
        ReceivedAt = DateTimeOffset.UnixEpoch,
        ContentType = "application/json",
        Body = "{}"u8.ToArray(),
    };
}
