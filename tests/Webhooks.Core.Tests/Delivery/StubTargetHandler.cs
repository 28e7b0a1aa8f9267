using System.Net;
using System.Text;

namespace Webhooks.Core.Tests.Delivery;

/// <summary>An in-memory target: answers from a script (the last step repeats) and records every request.</summary>
internal sealed class StubTargetHandler : HttpMessageHandler
{
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private Func<CancellationToken, Task<HttpResponseMessage>> _last = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    public List<RecordedRequest> Requests { get; } = [];

    public StubTargetHandler Respond(int status, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers) =>
        Then(_ =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status);
            if (body is not null)
            {
                response.Content = new StringContent(body, Encoding.UTF8);
                response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            }

            foreach (var (name, value) in headers)
            {
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return Task.FromResult(response);
        });

    public StubTargetHandler Throw(Exception exception) => Then(_ => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers; only cancellation ends the call.</summary>
    public StubTargetHandler Hang() => Then(async cancellationToken =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    });

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentType = request.Content?.Headers.TryGetValues("Content-Type", out var values) == true ? string.Join(",", values) : null;
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body, contentType));

        var step = _script.Count > 0 ? _script.Dequeue() : _last;
        return await step(cancellationToken);
    }

    private StubTargetHandler Then(Func<CancellationToken, Task<HttpResponseMessage>> step)
    {
        _script.Enqueue(step);
        _last = step;
        return this;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body, string? ContentType);
