using System.Diagnostics;

namespace Webhooks.Diagnostics;

/// <summary>
/// The engine's <see cref="ActivitySource"/> (<c>Webhooks</c>) and the names of its spans and attributes. Without a
/// listener (no exporter configured) every <c>StartActivity</c> returns null and the span points cost a branch.
/// </summary>
public static class WebhooksTelemetry
{
    /// <summary>The ActivitySource name to listen to or export (the same name as <see cref="WebhooksMetrics.MeterName"/>).</summary>
    public const string SourceName = "Webhooks";

    /// <summary>One span per intake request.</summary>
    public const string IntakeSpan = "webhooks.intake";

    /// <summary>One span per processed delivery message: the attempt (or the hold, or the dead-lettering without a call).</summary>
    public const string DeliverySpan = "webhooks.delivery";

    /// <summary>The source of <see cref="IntakeSpan"/> and <see cref="DeliverySpan"/>.</summary>
    public static ActivitySource Source { get; } = new(SourceName, typeof(WebhooksTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>True when <paramref name="activity"/> is one of ours (not the host's request activity that happens to be current).</summary>
    internal static bool IsOurs(this Activity? activity) => activity is not null && ReferenceEquals(activity.Source, Source);

    /// <summary>Attribute names: OpenTelemetry semantic conventions where one exists, <c>webhooks.*</c> otherwise.</summary>
    public static class Tags
    {
        /// <summary>The configured source name.</summary>
        public const string Source = "webhooks.source";

        /// <summary>The delivery id (the provider's, or one we minted).</summary>
        public const string DeliveryId = "webhooks.delivery.id";

        /// <summary>The provider's own delivery / event id, when it sent one.</summary>
        public const string ProviderEventId = "webhooks.provider.event_id";

        /// <summary>Duplicate detection: <c>new</c>, <c>duplicate</c>, <c>conflict</c>, <c>inProgress</c>, <c>unavailable</c>.</summary>
        public const string Dedup = "webhooks.dedup";

        /// <summary>The intake problem's errorCode, or the target's parsed errorCode on an attempt.</summary>
        public const string ErrorCode = "webhooks.error_code";

        /// <summary>The destination a delivery message is for (<c>default</c> for a single-target source).</summary>
        public const string Destination = "webhooks.destination";

        /// <summary>How many destination messages a fan-out wrote.</summary>
        public const string FanOut = "webhooks.delivery.fan_out";

        /// <summary>The delivery's outcome on an attempt: done, requeue, deadLetter, held.</summary>
        public const string Outcome = "webhooks.delivery.outcome";

        /// <summary>1-based attempt number.</summary>
        public const string Attempt = "webhooks.delivery.attempt";

        /// <summary>Seconds until a requeued or held delivery comes back.</summary>
        public const string RetryDelay = "webhooks.delivery.retry_delay";

        /// <summary>The dead-letter reason (<see cref="Envelopes.DeadLetterReasons"/>) or why the target is paused.</summary>
        public const string Reason = "webhooks.delivery.reason";

        /// <summary>Seconds the outbound call took.</summary>
        public const string CallDuration = "webhooks.target.duration";

        /// <summary>How many times the delivery was replayed from the dead-letter queue.</summary>
        public const string ReplayCount = "webhooks.delivery.replay_count";

        /// <summary>Semantic conventions.</summary>
        public const string Queue = "messaging.destination.name";

        /// <summary>Semantic conventions.</summary>
        public const string MessagingSystem = "messaging.system";

        /// <summary>Semantic conventions.</summary>
        public const string Status = "http.response.status_code";

        /// <summary><c>http.request.method</c>: on the intake span when it is the request's server span.</summary>
        public const string HttpMethod = "http.request.method";

        /// <summary><c>http.route</c>: on the intake span when it is the request's server span.</summary>
        public const string HttpRoute = "http.route";

        /// <summary>Semantic conventions.</summary>
        public const string BodySize = "http.request.body.size";

        /// <summary>Semantic conventions.</summary>
        public const string ServerAddress = "server.address";

        /// <summary>Semantic conventions.</summary>
        public const string ServerPort = "server.port";

        /// <summary>Semantic conventions.</summary>
        public const string ErrorType = "error.type";
    }
}
