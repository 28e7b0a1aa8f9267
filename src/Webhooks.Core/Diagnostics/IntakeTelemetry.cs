using System.Diagnostics;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Intake;
using static Webhooks.Diagnostics.WebhooksTelemetry;

namespace Webhooks.Diagnostics;

/// <summary>
/// The intake span (<see cref="WebhooksTelemetry.IntakeSpan"/>): started by the host around one request, tagged by
/// the engine as it learns the delivery id, dedup outcome and queue, and closed with the answer. Each tagging call
/// is a no-op unless the current activity is our intake span.
/// </summary>
public static class IntakeTelemetry
{
    /// <summary>Starts the span for a request to <paramref name="source"/>, a child of the current activity; null when nobody listens.</summary>
    public static Activity? Start(string source)
    {
        var activity = WebhooksTelemetry.Source.StartActivity(IntakeSpan, ActivityKind.Internal);
        activity?.SetTag(Tags.Source, source);
        return activity;
    }

    /// <summary>
    /// Starts the span as the request's server span, for a host whose own request span is not recorded: it continues
    /// the caller's <paramref name="callerContext"/> (its <c>traceparent</c>) directly, or starts a trace when there
    /// is none, never hanging under the unrecorded span. Once it ends, the current activity is null: the host puts
    /// its own back.
    /// </summary>
    public static Activity? StartAsServer(string source, string method, string route, ActivityContext? callerContext)
    {
        var current = Activity.Current;
        Activity.Current = null; // with no caller context, a new trace rather than a child of the unrecorded span
        var activity = callerContext is { } caller
            ? WebhooksTelemetry.Source.StartActivity(IntakeSpan, ActivityKind.Server, caller)
            : WebhooksTelemetry.Source.StartActivity(IntakeSpan, ActivityKind.Server);
        if (activity is null)
        {
            Activity.Current = current;
            return null;
        }

        activity.SetTag(Tags.Source, source);
        activity.SetTag(Tags.HttpMethod, method);
        activity.SetTag(Tags.HttpRoute, route);
        return activity;
    }

    /// <summary>Tags the delivery being accepted: its id, the provider's id and the body size.</summary>
    public static void Accepting(DeliveryEnvelope envelope, string? providedId, long? bodyBytes)
    {
        if (Activity.Current is { } activity && activity.IsOurs())
        {
            activity.SetTag(Tags.DeliveryId, envelope.Id);
            activity.SetTag(Tags.ProviderEventId, providedId);
            if (bodyBytes is { } bytes)
            {
                activity.SetTag(Tags.BodySize, bytes);
            }
        }
    }

    /// <summary>The dedup tag when the duplicate-detection record could not be read or written.</summary>
    public const string DedupUnavailable = "unavailable";

    /// <summary>Tags the duplicate-detection verdict: <c>new</c>, <c>duplicate</c>, <c>conflict</c>, <c>inProgress</c>.</summary>
    public static void Dedup(DedupVerdict verdict) => Dedup(verdict switch
    {
        DedupVerdict.New => "new",
        DedupVerdict.Duplicate => "duplicate",
        DedupVerdict.Conflict => "conflict",
        DedupVerdict.InProgress => "inProgress",
        _ => verdict.ToString(),
    });

    /// <summary>Tags the duplicate-detection outcome (<see cref="WebhooksTelemetry.Tags.Dedup"/>).</summary>
    public static void Dedup(string outcome)
    {
        if (Activity.Current is { } activity && activity.IsOurs())
        {
            activity.SetTag(Tags.Dedup, outcome);
        }
    }

    /// <summary>Tags the queue the envelope was written to.</summary>
    public static void Queued(string queue)
    {
        if (Activity.Current is { } activity && activity.IsOurs())
        {
            activity.SetTag(Tags.MessagingSystem, "azure.storage.queue");
            activity.SetTag(Tags.Queue, queue);
        }
    }

    /// <summary>Closes the span with the answer: status, errorCode, and Error status for 5xx (our fault or our storage's).</summary>
    public static void Complete(Activity? activity, IntakeResponse response, long? declaredLength = null)
    {
        if (activity is null)
        {
            return;
        }

        if (declaredLength is { } length && activity.GetTagItem(Tags.BodySize) is null)
        {
            activity.SetTag(Tags.BodySize, length);
        }

        if (response is { Status: 404, ErrorCode: Problems.ErrorCodes.NotFound })
        {
            activity.SetTag(Tags.Source, WebhooksMetrics.UnknownSource); // whatever a URL scanner guessed stays out
        }

        activity.SetTag(Tags.Status, response.Status);
        activity.SetTag(Tags.DeliveryId, response.DeliveryId ?? activity.GetTagItem(Tags.DeliveryId));
        if (response.ErrorCode is { } errorCode)
        {
            activity.SetTag(Tags.ErrorCode, errorCode);
        }

        if (response.Status >= 500)
        {
            activity.SetTag(Tags.ErrorType, response.ErrorCode ?? response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error, response.ErrorCode);
        }

        activity.Dispose();
    }
}
