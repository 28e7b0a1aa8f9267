namespace Webhooks.DeadLetters;

/// <summary>How a replay runs.</summary>
public sealed record ReplayOptions
{
    /// <summary>Report what would move without moving anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>Most messages put back per second; null or 0 means as fast as the queue allows.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>
    /// Send every replayed entry to this destination instead of its own (fan-out): another destination of the same
    /// source. Null keeps each entry's <see cref="Envelopes.DeliveryEnvelope.Destination"/>. The store does not know
    /// the configuration: check the name first with <see cref="ReplayDestinationCheck"/>.
    /// </summary>
    public string? ToDestination { get; init; }

    /// <summary>How much one call may do (selection by filter only); null: everything, in one call.</summary>
    public DeadLetterBudget? Budget { get; init; }
}
