namespace Webhooks.DeadLetters;

/// <summary>How a replay runs.</summary>
public sealed record ReplayOptions
{
    /// <summary>Report what would move without moving anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>Most messages put back per second; null or 0 means as fast as the queue allows.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>How much one call may do (selection by filter only); null: everything, in one call.</summary>
    public DeadLetterBudget? Budget { get; init; }
}
