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

/// <summary>The queues the app uses.</summary>
public sealed class QueueNamesOptions
{
    /// <summary>Accepted deliveries waiting for the worker. Default <c>webhooks-deliveries</c>.</summary>
    public string Deliveries { get; set; } = "webhooks-deliveries";

    /// <summary>Dead-letter records. Default <c>webhooks-deadletter</c>.</summary>
    public string DeadLetter { get; set; } = "webhooks-deadletter";
}

/// <summary>Intake-wide settings.</summary>
public sealed class IntakeOptions
{
    /// <summary>Body limit for sources that do not set their own. Default 1 MiB.</summary>
    public long DefaultMaxBodyBytes { get; set; } = 1024 * 1024;

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
