using System.Net.Http.Headers;
using Webhooks.Verification;

namespace Webhooks.Harness.Load;

/// <summary>
/// Standard Webhooks deliveries as a provider sends them, each signed on its own: a new <c>webhook-id</c>, the
/// current <c>webhook-timestamp</c> and a fresh signature, so replay protection and dedup see real traffic.
/// </summary>
/// <param name="source">The source name in the URL.</param>
/// <param name="secret">The source's <c>whsec_</c> secret.</param>
/// <param name="bodyBytes">The body size.</param>
/// <param name="runTag">Makes ids unique across runs against the same storage.</param>
/// <param name="timeProvider">The signing clock.</param>
public sealed class SignedDeliveries(string source, string secret, int bodyBytes, string runTag, TimeProvider timeProvider)
{
    /// <summary>The request path.</summary>
    public string Path { get; } = $"/api/webhooks/{source}";

    /// <summary>The delivery id for sequence number <paramref name="sequence"/>.</summary>
    public string IdFor(long sequence) => $"msg_{runTag}_{sequence}";

    /// <summary>A signed POST for delivery <paramref name="id"/>, signed now.</summary>
    public HttpRequestMessage Create(string id) => Create(id, SamplePayloads.Json(bodyBytes, id));

    /// <summary>A signed POST for delivery <paramref name="id"/> carrying <paramref name="body"/> as is.</summary>
    public HttpRequestMessage Create(string id, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in StandardWebhooksSigner.CreateHeaders(secret, id, timeProvider.GetUtcNow(), body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
