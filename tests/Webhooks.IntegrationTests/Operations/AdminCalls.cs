using System.Text;
using System.Text.Json;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>Calls to the admin API (<c>/api/admin/…</c>) as an operator's script makes them: the key in <c>x-api-key</c>, JSON bodies.</summary>
internal static class AdminCalls
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, "/api/admin/" + path);
        request.Headers.Add("x-api-key", key);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}
