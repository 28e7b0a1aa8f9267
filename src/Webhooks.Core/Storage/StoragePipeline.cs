using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Azure.Identity;

namespace Webhooks.Storage;

/// <summary>
/// Sends <see cref="StorageRequest"/>s: adds the service headers, authorizes, bounds each call by the network
/// timeout, reads the body and turns every failure into a <see cref="Azure.RequestFailedException"/>. Shared by
/// every client built from one service client (queue or blob).
/// </summary>
internal sealed class StoragePipeline
{
    private readonly HttpClient _http;
    private readonly StorageAuthorizer _authorizer;
    private readonly StoragePipelineSettings _settings;

    public StoragePipeline(StorageCredential credential, QueueClientOptions? options)
        : this(credential, StoragePipelineSettings.From(options ?? new QueueClientOptions()))
    {
    }

    private StoragePipeline(StorageCredential credential, StoragePipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _settings = settings;
        _http = settings.HttpClient ?? CreateOwnedHttpClient();
        _authorizer = StorageAuthorizer.Create(credential, settings.TimeProvider);
    }

    /// <summary>A pipeline with explicit settings (the blob clients' options).</summary>
    public static StoragePipeline Create(StorageCredential credential, StoragePipelineSettings settings) => new(credential, settings);

    /// <summary>Sends the request and reads the whole (small) body; returns only 2xx responses.</summary>
    public async Task<StorageResponse> SendAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var timeout = new CancellationTokenSource(_settings.NetworkTimeout, _settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await SendCheckedAsync(request, linked.Token).ConfigureAwait(false);
            var content = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return new StorageResponse((int)response.StatusCode, response.Headers, response.Content.Headers, content);
        }
        catch (Exception ex) when (Translate(request, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Sends the request and returns as soon as a 2xx status and headers arrived, leaving the body unread for the
    /// caller to stream. The network timeout bounds the wait for the headers only; the caller bounds the body.
    /// </summary>
    public async Task<HttpResponseMessage> SendStreamingAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var timeout = new CancellationTokenSource(_settings.NetworkTimeout, _settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await SendCheckedAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(request, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        using var message = await CreateMessageAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw StorageErrors.FromResponse(request, response, body);
        }
    }

    // Null for exceptions that already say what they should (service errors, the caller's own cancellation).
    private Azure.RequestFailedException? Translate(StorageRequest request, Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // Our timeout (or the HttpClient's own) fired; the caller did not cancel.
        OperationCanceledException when !cancellationToken.IsCancellationRequested => StorageErrors.Timeout(request, _settings.NetworkTimeout, exception),
        HttpRequestException or IOException => StorageErrors.Transport(request, exception),
        AuthenticationFailedException authentication => StorageErrors.Authentication(request, authentication),
        _ => null,
    };

    private async Task<HttpRequestMessage> CreateMessageAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(request.Method, request.BuildUri());
        try
        {
            message.Headers.TryAddWithoutValidation("x-ms-version", _settings.ServiceVersion);
            message.Headers.TryAddWithoutValidation("x-ms-date", _settings.TimeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
            message.Headers.TryAddWithoutValidation("x-ms-client-request-id", Guid.NewGuid().ToString());
            foreach (var (name, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            if (request.XmlBody is { } xml)
            {
                message.Content = new ReadOnlyMemoryContent(xml);
                message.Content.Headers.ContentLength = xml.Length;
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            }
            else if (request.BinaryBody is { } binary)
            {
                message.Content = new ReadOnlyMemoryContent(binary);
                message.Content.Headers.ContentLength = binary.Length;
            }
            else if (request.Method == HttpMethod.Put)
            {
                // The service wants a Content-Length on every PUT, zero included.
                message.Content = new ByteArrayContent([]);
            }

            await _authorizer.AuthorizeAsync(message, cancellationToken).ConfigureAwait(false);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private static HttpClient CreateOwnedHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            // Each request is bounded by the network timeout instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}

/// <summary>What a pipeline needs from a client's options, whichever service the client speaks to.</summary>
internal sealed record StoragePipelineSettings(string ServiceVersion, TimeSpan NetworkTimeout, HttpClient? HttpClient, TimeProvider TimeProvider)
{
    public static StoragePipelineSettings From(QueueClientOptions options) =>
        new(options.ServiceVersion, options.NetworkTimeout, options.HttpClient, options.TimeProvider);

    public static StoragePipelineSettings From(BlobClientOptions options) =>
        new(options.ServiceVersion, options.NetworkTimeout, options.HttpClient, options.TimeProvider);
}
