using System.Diagnostics;
using System.Net.Http;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using static Webhooks.Diagnostics.WebhooksTelemetry;

namespace Webhooks.Diagnostics;

/// <summary>
/// The delivery span (<see cref="WebhooksTelemetry.DeliverySpan"/>), one per processed message: it continues the
/// trace stored in the envelope (intake's, or the replay's), links to the provider's and the original intake's, and
/// says what happened — target host, status, call duration, outcome, retry delay, dead-letter reason, the target's
/// errorCode. <see cref="Settled"/> also records the per-delivery histograms of <see cref="WebhooksMetrics"/>.
/// </summary>
public static class DeliveryTelemetry
{
    /// <summary>Starts the span for one attempt at <paramref name="envelope"/> taken from <paramref name="queue"/>; null when nobody listens.</summary>
    public static Activity? Start(DeliveryEnvelope envelope, string queue)
    {
        if (!WebhooksTelemetry.Source.HasListeners())
        {
            return null;
        }

        var hasParent = TraceParents.TryParse(envelope.TraceParent, out var parent);
        List<ActivityLink>? links = null;
        AddLink(ref links, envelope.ProviderTraceParent);
        AddLink(ref links, envelope.OriginalTraceParent);
        if (hasParent && Activity.Current is { } host)
        {
            // The host's own span for this message (the Functions invocation) is kept as a link.
            (links ??= []).Add(new ActivityLink(host.Context));
        }

        var activity = WebhooksTelemetry.Source.StartActivity(DeliverySpan, ActivityKind.Consumer, hasParent ? parent : default, tags: null, links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Tags.Source, envelope.Source);
            activity.SetTag(Tags.DeliveryId, envelope.Id);
            activity.SetTag(Tags.MessagingSystem, "azure.storage.queue");
            activity.SetTag(Tags.Queue, queue);
            activity.SetTag(Tags.Attempt, envelope.Attempt + 1);
            if (envelope.ReplayCount > 0)
            {
                activity.SetTag(Tags.ReplayCount, envelope.ReplayCount);
            }
        }

        return activity;
    }

    /// <summary>
    /// Adds the envelope's traceparent to an outbound request when no activity is current (telemetry off): the
    /// target still joins the intake trace. With an activity, HttpClient propagates the current context itself.
    /// </summary>
    public static void Propagate(HttpRequestMessage request, DeliveryEnvelope envelope)
    {
        if (Activity.Current is null && TraceParents.Valid(envelope.TraceParent) is { } traceParent)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }
    }

    /// <summary>Tags the current delivery span with the destination the delivery was routed to.</summary>
    public static void Routed(string destination)
    {
        if (Activity.Current is { } activity && activity.IsOurs())
        {
            activity.SetTag(Tags.Destination, destination);
        }
    }

    /// <summary>Tags the current delivery span with the outbound call: target host, status or failure, duration.</summary>
    public static void Called(string? targetUrl, TargetCallResult call)
    {
        if (Activity.Current is not { } activity || !activity.IsOurs())
        {
            return;
        }

        // Host and port only: a target URL's path or query may carry a key.
        if (Uri.TryCreate(targetUrl, UriKind.Absolute, out var target))
        {
            activity.SetTag(Tags.ServerAddress, target.Host);
            activity.SetTag(Tags.ServerPort, target.Port);
        }

        activity.SetTag(Tags.CallDuration, call.Duration.TotalSeconds);
        if (call.Status is { } status)
        {
            activity.SetTag(Tags.Status, status);
        }
        else
        {
            activity.SetTag(Tags.ErrorType, call.Failure.ToString());
        }
    }

    /// <summary>
    /// Closes the span with the outcome and records the per-delivery metrics: attempts per delivery for final
    /// outcomes, end-to-end latency (accept, or replay, to delivered) for delivered ones.
    /// </summary>
    public static void Settled(Activity? activity, DeliveryEnvelope envelope, DeliveryOutcome outcome, DateTimeOffset now, WebhooksMetrics? metrics)
    {
        var outcomeName = DeliveryAttemptOutcomes.Of(outcome.Kind);

        if (outcome.Kind is DeliveryOutcomeKind.Delivered or DeliveryOutcomeKind.DeadLettered)
        {
            var latency = outcome.Kind == DeliveryOutcomeKind.Delivered ? now - (envelope.ReplayedAt ?? envelope.ReceivedAt) : (TimeSpan?)null;
            metrics?.RecordSettled(envelope.Source, outcomeName, outcome.Attempt, latency);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag(Tags.Outcome, outcomeName);
        if (outcome.Destination is { } destination)
        {
            activity.SetTag(Tags.Destination, destination);
        }

        if (outcome.Destinations is { } fannedOut)
        {
            activity.SetTag(Tags.FanOut, fannedOut.Count);
        }
        if (outcome.Delay is { } delay)
        {
            activity.SetTag(Tags.RetryDelay, delay.TotalSeconds);
        }

        if (outcome.Reason is { } reason)
        {
            activity.SetTag(Tags.Reason, reason);
        }

        if (outcome.ErrorCode is { } errorCode)
        {
            activity.SetTag(Tags.ErrorCode, errorCode);
        }

        if (outcome.Kind == DeliveryOutcomeKind.DeadLettered)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
        }

        activity.Dispose();
    }

    /// <summary>A one-off span for a message that is not an envelope: it has no trace to continue, only a reason.</summary>
    public static void Undecodable(string queue, string reason)
    {
        using var activity = WebhooksTelemetry.Source.StartActivity(DeliverySpan, ActivityKind.Consumer);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(Tags.MessagingSystem, "azure.storage.queue");
        activity.SetTag(Tags.Queue, queue);
        activity.SetTag(Tags.Outcome, DeliveryAttemptOutcomes.DeadLetter);
        activity.SetTag(Tags.Reason, reason);
        activity.SetStatus(ActivityStatusCode.Error, reason);
    }

    private static void AddLink(ref List<ActivityLink>? links, string? traceParent)
    {
        if (TraceParents.TryParse(traceParent, out var context))
        {
            (links ??= []).Add(new ActivityLink(context));
        }
    }
}
