using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Azure.Identity;

namespace Webhooks.Storage;

/// <summary>
/// Sends <see cref="StorageRequest"/>s: adds the service headers, authorizes, bounds each call by
/// <see cref="QueueClientOptions.NetworkTimeout"/>, reads the body and turns every failure into a
/// <see cref="Azure.RequestFailedException"/>. Shared by every client built from one service client.
/// </summary>
internal sealed class StoragePipeline
{
    private readonly HttpClient _http;
    private readonly StorageAuthorizer _authorizer;
    private readonly QueueClientOptions _options;

    public StoragePipeline(StorageCredential credential, QueueClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _options = options ?? new QueueClientOptions();
        _http = _options.HttpClient ?? CreateOwnedHttpClient();
        _authorizer = StorageAuthorizer.Create(credential, _options.TimeProvider);
    }

    /// <summary>Sends the request; returns only 2xx responses.</summary>
    public async Task<StorageResponse> SendAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var timeout = new CancellationTokenSource(_options.NetworkTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = await CreateMessageAsync(request, linked.Token).ConfigureAwait(false);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw StorageErrors.FromResponse(request, response, body);
            }

            return new StorageResponse((int)response.StatusCode, response.Headers, body);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our timeout (or the HttpClient's own) fired; the caller did not cancel.
            throw StorageErrors.Timeout(request, _options.NetworkTimeout, ex);
        }
        catch (HttpRequestException ex)
        {
            throw StorageErrors.Transport(request, ex);
        }
        catch (IOException ex)
        {
            throw StorageErrors.Transport(request, ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw StorageErrors.Authentication(request, ex);
        }
    }

    private async Task<HttpRequestMessage> CreateMessageAsync(StorageRequest request, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(request.Method, request.BuildUri());
        try
        {
            message.Headers.TryAddWithoutValidation("x-ms-version", _options.ServiceVersion);
            message.Headers.TryAddWithoutValidation("x-ms-date", _options.TimeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
            message.Headers.TryAddWithoutValidation("x-ms-client-request-id", Guid.NewGuid().ToString());
            if (request.XmlBody is not null)
            {
                message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.XmlBody));
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
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
            // Each request is bounded by NetworkTimeout instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
