namespace Webhooks.Delivery;

/// <summary>One paused target as the shared pause store keeps it.</summary>
/// <param name="Source">The source whose target is paused, as configured.</param>
/// <param name="Reason">Why, e.g. "target answered 402".</param>
/// <param name="Status">The status that paused it, if any.</param>
/// <param name="PausedAt">When it was first paused; also names this pause, so held markers of an earlier one never count.</param>
/// <param name="NextProbeAt">When one delivery may next go through to test the target.</param>
public sealed record TargetPauseRecord(string Source, string Reason, int? Status, DateTimeOffset PausedAt, DateTimeOffset NextProbeAt)
{
    /// <summary>The store's version (an ETag); null for a record not yet stored. Writes are conditional on it.</summary>
    public string? Version { get; init; }
}
