using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Payloads;

namespace Webhooks.Delivery.Routing;

/// <summary>
/// Picks the destinations a not-yet-fanned-out delivery goes to: those whose filter matches. The body is read at most
/// once, and only when some filter looks into it (inline, or the claim-check blob streamed once); a body that is not
/// JSON matches only header-only filters.
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

        using var document = all.Exists(d => d.Filter.NeedsBody) ? await ReadJsonAsync(envelope, cancellationToken).ConfigureAwait(false) : null;
        JsonElement? root = document?.RootElement;
        return all.FindAll(d => d.Filter.Matches(root, envelope.Headers));
    }

    private async Task<JsonDocument?> ReadJsonAsync(DeliveryEnvelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            if (envelope.Body is { } inline)
            {
                return JsonDocument.Parse(inline);
            }

            var reference = envelope.BodyRef ?? throw new InvalidOperationException("The delivery carries neither a body nor a body reference.");
            var store = payloads ?? throw new InvalidOperationException("The delivery's body is a claim check, but no payload store is registered.");
            var download = await store.OpenReadAsync(reference, cancellationToken).ConfigureAwait(false);
            await using (download.ConfigureAwait(false))
            {
                return await JsonDocument.ParseAsync(download.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException)
        {
            // Not JSON (or deeper than we read): no path can match, header entries still can.
            return null;
        }
    }
}
