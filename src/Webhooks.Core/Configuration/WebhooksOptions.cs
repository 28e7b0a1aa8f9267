namespace Webhooks.Configuration;

/// <summary>Everything under the <c>Webhooks</c> configuration section (env: <c>Webhooks__…</c>).</summary>
public sealed class WebhooksOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The configured sources by name (<c>Webhooks:Sources:&lt;name&gt;</c>); names are case-insensitive.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Queue names.</summary>
    public QueueNamesOptions Queues { get; set; } = new();

    /// <summary>Intake-wide settings.</summary>
    public IntakeOptions Intake { get; set; } = new();

    /// <summary>Delivery worker settings.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>Admin API settings.</summary>
    public AdminOptions Admin { get; set; } = new();
}

/// <summary>The queues (and the blob container) the app uses.</summary>
public sealed class QueueNamesOptions
{
    /// <summary>The most delivery queues a deployment may spread over.</summary>
    public const int MaxCount = 64;

    /// <summary>
    /// Accepted deliveries waiting for the worker. Default <c>webhooks-deliveries</c>. With <see cref="Count"/> above
    /// 1 this is queue 0, and queues 1… are named <c>&lt;Deliveries&gt;-1</c>, <c>&lt;Deliveries&gt;-2</c>, ….
    /// </summary>
    public string Deliveries { get; set; } = "webhooks-deliveries";

    /// <summary>
    /// How many delivery queues intake spreads over and the workers drain (1–64). Default 1. One Storage queue is
    /// targeted at about 2,000 messages/s and one account at 20,000: raise it when the sustained rate nears
    /// 2,000/s per queue. The dead-letter queue stays one.
    /// </summary>
    public int Count { get; set; } = 1;

    /// <summary>Dead-letter records. Default <c>webhooks-deadletter</c>.</summary>
    public string DeadLetter { get; set; } = "webhooks-deadletter";

    /// <summary>
    /// Blob container for claim-check bodies (<c>payloads/…</c>) and duplicate-detection records (<c>dedup/…</c>).
    /// Default <c>webhooks-payloads</c> (created by infra, with a lifecycle rule).
    /// </summary>
    public string Payloads { get; set; } = "webhooks-payloads";

    /// <summary>
    /// Table of paused targets and their held deliveries, shared by every instance so a pause survives restarts
    /// and scale-out. Default <c>webhookspauses</c> (letters and digits: table names allow no hyphens).
    /// </summary>
    public string Pauses { get; set; } = "webhookspauses";

    /// <summary>The name of delivery queue <paramref name="index"/>: index 0 is <see cref="Deliveries"/> itself, so one-queue deployments keep their name.</summary>
    public string DeliveryQueueName(int index) =>
        index == 0 ? Deliveries : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Deliveries}-{index}");
}

/// <summary>Intake-wide settings.</summary>
public sealed class IntakeOptions
{
    /// <summary>
    /// Body limit for sources that do not set their own. Default 25 MiB (GitHub's limit). Bodies whose envelope
    /// does not fit a queue message are stored as blobs (claim check); small ones travel inline.
    /// </summary>
    public long DefaultMaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// How long a provider's delivery id is remembered per source, so a resend is answered 200 <c>duplicate</c> and
    /// not queued twice. Default 72 h (Stripe retries for 3 days). After the window the id counts as new.
    /// <see cref="TimeSpan.Zero"/> turns duplicate detection off.
    /// </summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// How long a duplicate-detection record may stay "pending" (claimed, not yet confirmed queued) before another
    /// request may take it over: a claimant that crashed must not block its id for the whole window. Default 2 min.
    /// </summary>
    public TimeSpan DedupPendingTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Block size for streaming large bodies to blob storage; intake holds one block per large request. Default 4 MiB.</summary>
    public int PayloadBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How many large bodies (too large for a queue message) one instance streams to blob storage at once; more get
    /// 503 <c>serverBusy</c> and are resent by the provider. With <see cref="PayloadBlockBytes"/> this bounds the
    /// memory large deliveries take: 16 × 4 MiB = 64 MiB by default.
    /// </summary>
    public int MaxConcurrentLargeBodies { get; set; } = 16;

    /// <summary>
    /// The average rate (bytes per second, after <see cref="LargeBodyGracePeriod"/>) below which a large body gives
    /// its slot up to a newcomer when every slot is taken, and is answered 503 <c>serverBusy</c>. Default 64 KiB/s.
    /// </summary>
    public long LargeBodyMinBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>How long a large body streams before <see cref="LargeBodyMinBytesPerSecond"/> applies to it. Default 5 s.</summary>
    public TimeSpan LargeBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long intake waits for the queue write before answering 503. Default 5 s.</summary>
    public TimeSpan QueueWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry-After sent with 503 when the queue cannot be written. Default 10 s.</summary>
    public int UnavailableRetryAfterSeconds { get; set; } = 10;
}

/// <summary>Admin API settings.</summary>
public sealed class AdminOptions
{
    /// <summary>Keys accepted in <c>x-api-key</c> on <c>/api/admin/*</c>. Empty: the admin API answers 401 to everyone.</summary>
    public List<string> ApiKeys { get; set; } = [];
}
