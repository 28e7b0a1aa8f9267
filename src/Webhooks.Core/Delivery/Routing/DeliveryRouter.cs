using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Payloads;

namespace Webhooks.Delivery.Routing;

/// <summary>
/// Picks the destinations a not-yet-fanned-out delivery goes to: those whose filter matches. The body is read at most
/// once, and only when some filter looks into it (inline, or the claim-check blob streamed once through a small
/// buffer by <see cref="JsonFields"/>, never held whole); a body that is not JSON matches only header-only filters.
/// </summary>
/// <param name="payloads">Where claim-check bodies are read from; null when this deployment stores none.</param>
public sealed class DeliveryRouter(PayloadStore? payloads = null)
{
    /// <summary>The matching destinations, in configuration order.</summary>
    /// <exception cref="PayloadNotFoundException">A filter needs the body and its claim-check blob is gone.</exception>
    /// <exception cref="Azure.RequestFailedException">The claim-check blob could not be read (storage unavailable).</exception>
    public async Task<IReadOnlyList<ResolvedDestination>> MatchAsync(
        DeliveryEnvelope envelope,
        IReadOnlyDictionary<string, ResolvedDestination> destinations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(destinations);
        var all = destinations.Values.ToList();
        if (all.TrueForAll(d => d.Filter.MatchesEverything))
        {
            return all;
        }

        var paths = all.SelectMany(d => d.Filter.Paths).ToList();
        var body = paths.Count > 0 ? await ReadFieldsAsync(envelope, paths, cancellationToken).ConfigureAwait(false) : null;
        return all.FindAll(d => d.Filter.Matches(body, envelope.Headers));
    }

    // Null when the body is not JSON: no path can match, header entries still can.
    private async Task<JsonFields?> ReadFieldsAsync(DeliveryEnvelope envelope, List<string[]> paths, CancellationToken cancellationToken)
    {
        if (envelope.Body is { } inline)
        {
            return JsonFields.Read(inline, paths);
        }

        var reference = envelope.BodyRef ?? throw new InvalidOperationException("The delivery carries neither a body nor a body reference.");
        var store = payloads ?? throw new InvalidOperationException("The delivery's body is a claim check, but no payload store is registered.");
        var download = await store.OpenReadAsync(reference, cancellationToken).ConfigureAwait(false);
        await using (download.ConfigureAwait(false))
        {
            return await JsonFields.ReadAsync(download.Content, paths, cancellationToken).ConfigureAwait(false);
        }
    }
}
