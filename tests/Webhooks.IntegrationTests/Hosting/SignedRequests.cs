using System.Net.Http.Headers;
using System.Text;
using Webhooks.Verification;

namespace Webhooks.IntegrationTests.Hosting;

/// <summary>Builds deliveries signed the way a Standard Webhooks provider signs them.</summary>
public static class SignedRequests
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static HttpRequestMessage StandardWebhooks(string source, string body, string id, DateTimeOffset timestamp, string secret = Secret) =>
        StandardWebhooks(source, Encoding.UTF8.GetBytes(body), id, timestamp, secret);

    public static HttpRequestMessage StandardWebhooks(string source, byte[] bytes, string id, DateTimeOffset timestamp, string secret = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{source}")
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        foreach (var (name, value) in StandardWebhooksSigner.CreateHeaders(secret, id, timestamp, bytes))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
