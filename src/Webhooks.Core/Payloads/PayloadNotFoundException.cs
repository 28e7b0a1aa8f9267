using Webhooks.Envelopes;

namespace Webhooks.Payloads;

/// <summary>
/// A claim-check body that is no longer stored (deleted, or removed by the storage lifecycle rule), or a reference
/// this app never wrote (another container, another name shape), which is not read at all.
/// </summary>
public sealed class PayloadNotFoundException(BodyReference reference, bool untrusted = false, Exception? inner = null)
    : Exception(
        untrusted
            ? $"The delivery's body reference '{reference.Container}/{reference.Blob}' is not a claim-check body of this app's payload container; it was not read."
            : $"The delivery's body blob '{reference.Container}/{reference.Blob}' no longer exists.",
        inner)
{
    /// <summary>The missing body.</summary>
    public BodyReference Reference { get; } = reference;

    /// <summary>True when the reference was refused without reading, not found missing.</summary>
    public bool Untrusted { get; } = untrusted;
}
