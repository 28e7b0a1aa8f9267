namespace Webhooks.Delivery;

/// <summary>One paused target, as health and operators see it.</summary>
/// <param name="Source">The source whose target is paused.</param>
/// <param name="Reason">Why, e.g. "target answered 401".</param>
/// <param name="Status">The status that paused it, if any.</param>
/// <param name="PausedAt">When it was first paused.</param>
/// <param name="NextProbeAt">When one delivery will be let through to test it.</param>
/// <param name="HeldCount">Deliveries held back since the pause.</param>
public sealed record TargetPauseState(string Source, string Reason, int? Status, DateTimeOffset PausedAt, DateTimeOffset NextProbeAt, long HeldCount);
