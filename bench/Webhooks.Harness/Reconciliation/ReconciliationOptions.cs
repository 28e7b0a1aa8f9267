namespace Webhooks.Harness.Reconciliation;

/// <summary>Settings of a reconciliation run.</summary>
/// <param name="Deliveries">How many distinct deliveries the provider sends.</param>
/// <param name="Concurrency">Provider requests in flight.</param>
/// <param name="Seed">Decides each delivery's target script.</param>
/// <param name="BodyBytes">Body size.</param>
/// <param name="RestartAzurite">Stop and restart Azurite once (data kept).</param>
/// <param name="KillHost">Kill the host (intake and workers) once with SIGKILL and start it again.</param>
public sealed record ReconciliationOptions(
    int Deliveries = 20_000,
    int Concurrency = 16,
    int Seed = 8,
    int BodyBytes = 1024,
    bool RestartAzurite = true,
    bool KillHost = true)
{
    /// <summary>Progress (share of deliveries settled by the provider) at which Azurite is restarted.</summary>
    public double AzuriteRestartAt { get; init; } = 0.3;

    /// <summary>Progress at which the host is killed.</summary>
    public double KillHostAt { get; init; } = 0.6;

    /// <summary>How long Azurite stays down.</summary>
    public TimeSpan AzuriteDowntime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The worker's per-call timeout; the "slow" script answers after 2.5 times this.</summary>
    public TimeSpan WorkerTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before retriesExhausted.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First backoff delay.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a received message stays hidden (after a kill, in-flight messages reappear after this).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Resends per delivery before the provider gives up.</summary>
    public int ProviderMaxAttempts { get; init; } = 40;

    /// <summary>Upper bound on the sending phase.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Upper bound on draining after sending.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Duplicates (extra 2xx at the target) allowed, as a share of acknowledged deliveries (at least 32).</summary>
    public double DuplicateBound { get; init; } = 0.01;

    /// <summary>The deliveries queue.</summary>
    public string DeliveriesQueue { get; init; } = "reconcile-deliveries";

    /// <summary>The dead-letter queue.</summary>
    public string DeadLetterQueue { get; init; } = "reconcile-deadletter";
}
