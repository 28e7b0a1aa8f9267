namespace Webhooks.DeadLetters;

/// <summary>
/// How much of a replay or purge by filter one call may do. When it runs out the result carries a continuation
/// token: the report covers exactly what was done, and the same call with that token continues after the last
/// entry handled. Used by the admin API so an operation fits the Functions front end's 230 s request limit.
/// </summary>
public sealed record DeadLetterBudget
{
    /// <summary>Most entries handled in this call; null for no limit.</summary>
    public int? MaxItems { get; init; }

    /// <summary>Longest time this call starts new entries for (measured on the store's TimeProvider); null for no limit.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>The token of a previous call's result, to continue after where it stopped.</summary>
    public string? Continuation { get; init; }
}
