namespace Webhooks.Configuration;

/// <summary>Delivery worker settings (<c>Webhooks:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Attempts before a transiently failing delivery is dead-lettered with <c>retriesExhausted</c>. Default 30.</summary>
    public int MaxAttempts { get; set; } = 30;

    /// <summary>Age after which a delivery is dead-lettered instead of retried. Default 24 h (like Event Grid).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First backoff delay. Default 10 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff multiplier per attempt. Default 2.</summary>
    public double BackoffFactor { get; set; } = 2.0;

    /// <summary>
    /// How delays are spread: <c>full</c> (uniform between zero and the exponential delay), <c>decorrelated</c>
    /// (uniform between <see cref="BaseDelay"/> and three times the previous attempt's delay) or <c>none</c>. Default full.
    /// </summary>
    public string Jitter { get; set; } = "full";

    /// <summary>Largest single delay, also the cap on a target's Retry-After. Default 1 h (a Storage queue allows up to 7 days).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Per-call timeout when the target does not set one. Default 30 s (like Event Grid).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages taken per poll (max 32, like the Functions queue trigger). Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Deliveries processed at once by one instance. Default 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How long a received message stays hidden while it is worked on. Default 2 min.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait between polls of an empty queue (backs off from 100 ms). Default 10 s.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, how long in-flight deliveries may finish before their messages are left to reappear. Default 30 s.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the hosted workers run in this process. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Allow targets on loopback or private networks (local runs and tests). Default false (SSRF guard).</summary>
    public bool AllowPrivateNetworkTargets { get; set; }

    /// <summary>How long a paused target's messages are held before one is let through as a probe. Default 5 min.</summary>
    public TimeSpan PauseProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an instance trusts its copy of the shared pause table before reading it again; a pause or resume on
    /// another instance takes effect here within this time. Zero reads it for every delivery. Default 5 s.
    /// </summary>
    public TimeSpan PauseRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How much of a target's error body is kept in the dead-letter record. Default 8 KiB.</summary>
    public int MaxResponseBodyBytes { get; set; } = 8 * 1024;

    /// <summary>A copy with a destination's retry overrides applied; this instance itself when there are none.</summary>
    public DeliveryOptions WithRetry(DestinationRetryOptions? retry)
    {
        if (retry is null || (retry.MaxAttempts is null && retry.MaxAge is null && retry.BaseDelay is null && retry.MaxDelay is null && retry.BackoffFactor is null))
        {
            return this;
        }

        var copy = (DeliveryOptions)MemberwiseClone();
        copy.MaxAttempts = retry.MaxAttempts ?? MaxAttempts;
        copy.MaxAge = retry.MaxAge ?? MaxAge;
        copy.BaseDelay = retry.BaseDelay ?? BaseDelay;
        copy.MaxDelay = retry.MaxDelay ?? MaxDelay;
        copy.BackoffFactor = retry.BackoffFactor ?? BackoffFactor;
        return copy;
    }
}
