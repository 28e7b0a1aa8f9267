using Webhooks.Envelopes;

namespace Webhooks.Payloads;

/// <summary>A claim-check body that is no longer stored (deleted, or removed by the storage lifecycle rule).</summary>
public sealed class PayloadNotFoundException(BodyReference reference, Exception? inner = null)
    : Exception($"The delivery's body blob '{reference.Container}/{reference.Blob}' no longer exists.", inner)
{
    /// <summary>The missing body.</summary>
    public BodyReference Reference { get; } = reference;
}
