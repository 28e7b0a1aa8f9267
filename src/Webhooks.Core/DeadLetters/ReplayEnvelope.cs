using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

/// <summary>What a replay puts back on the deliveries queue.</summary>
internal static class ReplayEnvelope
{
    /// <summary>
    /// A copy of <paramref name="original"/> (through the serializer, so no field is dropped) with the same delivery
    /// id, attempts reset and the replay counted.
    /// </summary>
    public static DeliveryEnvelope From(DeliveryEnvelope original)
    {
        var copy = EnvelopeSerializer.Deserialize(EnvelopeSerializer.Serialize(original));
        copy.Attempt = 0;
        copy.Attempts = [];
        copy.ReplayCount = original.ReplayCount + 1;
        return copy;
    }
}
