using Webhooks.Delivery;

namespace Webhooks.Hosting;

/// <summary>Reports paused targets in <c>/api/health</c>: an account-level failure should be loud.</summary>
internal sealed class PausedTargetsHealth(TargetPauseRegistry pauses) : IHealthContributor
{
    public void Contribute(IDictionary<string, object?> report) =>
        report["pausedTargets"] = pauses.Snapshot()
            .Select(p => new { source = p.Source, reason = p.Reason, status = p.Status, pausedAt = p.PausedAt, nextProbeAt = p.NextProbeAt, held = p.HeldCount })
            .ToList();
}
