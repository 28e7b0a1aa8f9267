using Webhooks.Envelopes;
using Webhooks.Payloads;

namespace Webhooks.Intake;

/// <summary>A delivery that passed every check and is about to be accepted.</summary>
/// <param name="Envelope">The envelope; its <see cref="DeliveryEnvelope.Body"/> is set when the body was held in memory.</param>
/// <param name="ProvidedId">The sender's own delivery id, or null when we minted one (nothing to deduplicate on).</param>
/// <param name="BodySha256">SHA-256 of the raw body.</param>
/// <param name="Upload">The body staged as uncommitted blocks, for bodies too large to hold; null otherwise.</param>
internal sealed record PendingDelivery(DeliveryEnvelope Envelope, string? ProvidedId, byte[] BodySha256, BlockBlobWriter? Upload);
