namespace Webhooks.Delivery;

/// <summary>One paused target, as health and operators see it (the same names in both).</summary>
/// <param name="Source">The source whose target is paused.</param>
/// <param name="Destination">Which of its destinations: <c>default</c> for a single-target source (pause key <c>source</c>), else the name from the pause key <c>source:destination</c>.</param>
/// <param name="Reason">Why, e.g. "target answered 401".</param>
/// <param name="Status">The status that paused it, if any.</param>
/// <param name="PausedAt">When it was first paused.</param>
/// <param name="NextProbeAt">When one delivery will be let through to test it.</param>
/// <param name="Held">Distinct deliveries held by this pause right now (each counted once however often it was requeued; a probe's delivery leaves the count while it is out).</param>
public sealed record TargetPauseState(string Source, string Destination, string Reason, int? Status, DateTimeOffset PausedAt, DateTimeOffset NextProbeAt, long Held);
