using System.Diagnostics;
using Webhooks.Envelopes;

namespace Webhooks.Diagnostics;

/// <summary>
/// The log scope of one delivery's processing: delivery id, source, queue, destination (once fanned out) and trace id, so a worker's log line joins
/// its intake's trace even when no span is being recorded (the trace id then comes from the envelope).
/// </summary>
public static class DeliveryLogScope
{
    /// <summary>The scope state for <paramref name="envelope"/> taken from <paramref name="queue"/>.</summary>
    public static Dictionary<string, object?> For(DeliveryEnvelope envelope, string queue)
    {
        var scope = new Dictionary<string, object?>(5) { ["DeliveryId"] = envelope.Id, ["Source"] = envelope.Source, ["Queue"] = queue };
        if (envelope.Destination is { } destination)
        {
            scope["Destination"] = destination;
        }

        // With a span current the host's ActivityTrackingOptions add its TraceId (the same trace); without one, say it here.
        if (Activity.Current is null && TraceParents.TryParse(envelope.TraceParent, out var stored))
        {
            scope["TraceId"] = stored.TraceId.ToHexString();
        }

        return scope;
    }
}
