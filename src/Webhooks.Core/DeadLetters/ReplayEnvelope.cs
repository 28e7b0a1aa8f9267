using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

/// <summary>What a replay puts back on the deliveries queue.</summary>
internal static class ReplayEnvelope
{
    /// <summary>
    /// <paramref name="entry"/> as it is replayed to <paramref name="destination"/> (unchanged when null or when it
    /// holds no envelope). The entry is a copy read for this replay only, so its envelope is changed in place.
    /// </summary>
    public static DeadLetterEntry Retarget(DeadLetterEntry entry, string? destination)
    {
        if (destination is null || entry.Record.Envelope is not { } envelope)
        {
            return entry;
        }

        envelope.Destination = destination;
        return entry with { Destination = destination };
    }

    /// <summary>
    /// A copy of <paramref name="original"/> (through the serializer, so no field is dropped) with the same delivery
    /// id, attempts reset, the replay counted, the retry window restarted at <paramref name="now"/>, and the trace
    /// context moved on (<see cref="DeliveryEnvelope.OriginalTraceParent"/>).
    /// </summary>
    /// <remarks>
    /// The <see cref="DeliveryEnvelope.Destination"/> is kept, so a destination's dead letter goes back to that
    /// destination only; a record from before fan-out (none) is fanned out again.
    /// </remarks>
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
