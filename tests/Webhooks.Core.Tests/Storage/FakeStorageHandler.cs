using System.Net;
using System.Text;

namespace Webhooks.Core.Tests.Storage;

/// <summary>An in-process stand-in for the queue service: records each request and answers with a scripted response.</summary>
internal sealed class FakeStorageHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Answers every request with <paramref name="status"/>, optional XML and headers.</summary>
    public static FakeStorageHandler Answering(HttpStatusCode status, string? xml = null, params (string Name, string Value)[] headers) =>
        new((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(xml ?? string.Empty, Encoding.UTF8, "application/xml") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        });

    /// <summary>Runs this handler's answer without recording, for a handler that wraps another's answer.</summary>
    public Task<HttpResponseMessage> SendForTestAsync(HttpRequestMessage request) => respond(request, CancellationToken.None);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase),
            body));
        return await respond(request, cancellationToken);
    }
}

/// <summary>What the client sent.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);
