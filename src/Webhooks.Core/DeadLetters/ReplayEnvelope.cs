using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

/// <summary>What a replay puts back on the deliveries queue.</summary>
internal static class ReplayEnvelope
{
    /// <summary>
    /// A copy of <paramref name="original"/> (through the serializer, so no field is dropped) with the same delivery
    /// id, attempts reset, the replay counted, the retry window restarted at <paramref name="now"/>, and the trace
    /// context moved on (<see cref="DeliveryEnvelope.OriginalTraceParent"/>).
    /// </summary>
    public static DeliveryEnvelope From(DeliveryEnvelope original, DateTimeOffset now)
    {
        var copy = EnvelopeSerializer.Deserialize(EnvelopeSerializer.Serialize(original));
        copy.Attempt = 0;
        copy.Attempts = [];
        copy.ReplayCount = original.ReplayCount + 1;
        copy.ReplayedAt = now;

        // Telemetry: a replay starts a new trace (the replaying request's, if any) that links to the original intake.
        copy.OriginalTraceParent = original.OriginalTraceParent ?? original.TraceParent;
        copy.TraceParent = Diagnostics.TraceParents.Current();
        return copy;
    }
}
