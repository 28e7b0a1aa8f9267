using Webhooks.AzureStorage;
using Webhooks.Delivery;

namespace Webhooks.Hosting;

/// <summary>
/// Reports paused targets in <c>/api/health</c>: an account-level failure should be loud. Read from the shared pause
/// table, with the same names and exact held counts as <c>GET /api/admin/targets</c>.
/// </summary>
internal sealed class PausedTargetsHealth(TargetPauseRegistry pauses) : IHealthContributor
{
    public async Task ContributeAsync(IDictionary<string, object?> report, CancellationToken cancellationToken)
    {
        try
        {
            report["pausedTargets"] = (await pauses.SnapshotAsync(cancellationToken).ConfigureAwait(false))
                .Select(p => new { source = p.Source, destination = p.Destination, reason = p.Reason, status = p.Status, pausedAt = p.PausedAt, nextProbeAt = p.NextProbeAt, held = p.Held })
                .ToList();
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex) || ex is OperationCanceledException)
        {
            report["pausedTargets"] = null;
            report["pausedTargetsError"] = "unreachable";
        }
    }
}
