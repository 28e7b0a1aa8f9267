using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Payloads;
using Webhooks.Verification;

namespace Webhooks.Delivery;

/// <summary>
/// Makes the outbound call for one delivery: POST of the original body byte-for-byte with its Content-Type, an
/// <c>Idempotency-Key</c> (the delivery id, plus <c>:&lt;destination&gt;</c> for a named destination), the provider's identifying headers, <c>User-Agent: Webhooks/1.0</c> and
/// the target's authentication; per-target timeout. Never throws for anything the target or the network does —
/// only when <paramref name="cancellationToken"/> of <see cref="SendAsync"/> is cancelled.
/// </summary>
/// <remarks>
/// Forwarded headers: everything intake kept (ids, event types, timestamps) except credentials and signatures. A
/// provider's signature is over the provider's secret, which the target does not have; forwarding it would invite
/// the target to trust something it cannot check, and it would clash with our own Standard Webhooks signature. The
/// target learns the call is ours from <see cref="TargetAuthOptions"/> instead.
/// </remarks>
public sealed class TargetClient
{
    /// <summary>The IHttpClientFactory name of the guarded targets client.</summary>
    public const string HttpClientName = "webhooks-targets";

    /// <summary>Our User-Agent.</summary>
    public const string UserAgent = "Webhooks/1.0";

    /// <summary>Response headers copied into results and dead-letter records.</summary>
    public static IReadOnlySet<string> KeptResponseHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "retry-after", "www-authenticate", "location", "date",
        "x-request-id", "request-id", "x-correlation-id", "correlation-id", "x-ms-request-id", "traceparent", "cf-ray",
        "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit", "ratelimit-policy",
        "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
    };

    private const int MaxHeaderValueLength = 256;

    // Set by us, hop-by-hop, or carrying credentials: never copied from the provider's request.
    private static readonly HashSet<string> NeverForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "content-type", "content-encoding", "transfer-encoding", "connection", "keep-alive",
        "te", "trailer", "upgrade", "expect", "proxy-authorization", "proxy-connection", "authorization", "cookie",
        "idempotency-key", "user-agent", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    };

    private static readonly string[] CredentialMarkers = ["signature", "secret", "token", "password", "api-key", "apikey", "auth"];

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<WebhooksOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<TokenCredential> _credential;
    private readonly PayloadStore? _payloads;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClientFactory">Supplies the <see cref="HttpClientName"/> client (guarded, no redirects).</param>
    /// <param name="options">Delivery timeout and response bound.</param>
    /// <param name="timeProvider">Clock for timeouts, durations and signature timestamps.</param>
    /// <param name="credential">For <c>bearer</c> targets; default <see cref="DefaultAzureCredential"/>, created on first use.</param>
    /// <param name="payloads">Where claim-check bodies (<see cref="DeliveryEnvelope.BodyRef"/>) are read from; streamed, never buffered.</param>
    public TargetClient(IHttpClientFactory httpClientFactory, IOptionsMonitor<WebhooksOptions> options, TimeProvider timeProvider, TokenCredential? credential = null, PayloadStore? payloads = null)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _timeProvider = timeProvider;
        _credential = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
        _payloads = payloads;
    }

    /// <summary>Checks the target's authentication settings; null when usable, else what is wrong (without secrets).</summary>
    public static string? CheckAuth(TargetAuthOptions? auth)
    {
        var type = auth?.Type;
        if (auth is null || string.IsNullOrEmpty(type) || type.Equals(TargetAuthTypes.None, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (type.Equals(TargetAuthTypes.Header, StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(auth.Header) || auth.Value is null || !IsHeaderName(auth.Header)
                ? "target auth 'header' needs a valid Header name and a Value"
                : null;
        }

        if (type.Equals(TargetAuthTypes.Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(auth.Scope) ? "target auth 'bearer' needs a Scope" : null;
        }

        if (type.Equals(TargetAuthTypes.StandardWebhooks, StringComparison.OrdinalIgnoreCase))
        {
            return StandardWebhooksSecret.IsWellFormed(auth.Secret) ? null : "target auth 'standard-webhooks' needs a whsec_ base64 Secret";
        }

        return $"target auth type '{type}' is not one of none, header, bearer, standard-webhooks";
    }

    /// <summary>True when a provider header named <paramref name="name"/> is copied to the source's <c>Target</c>.</summary>
    public static bool IsForwarded(string name, SourceOptions source) => IsForwarded(name, source, source.Target.Auth);

    /// <summary>
    /// True when <paramref name="name"/> may be set from a destination's static <c>Headers</c>: a valid name that is
    /// not one we set ourselves or that the transport owns (Idempotency-Key, Content-Type, Authorization, Host, …).
    /// </summary>
    public static bool IsSettableHeader(string name) =>
        IsHeaderName(name) && !NeverForwarded.Contains(name) && !name.StartsWith("content-", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a provider header named <paramref name="name"/> is copied to a target authenticated with <paramref name="auth"/>.</summary>
    public static bool IsForwarded(string name, SourceOptions source, TargetAuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(auth);
        if (NeverForwarded.Contains(name)
            || name.StartsWith("content-", StringComparison.OrdinalIgnoreCase)
            || name.Equals(source.ApiKeyHeader, StringComparison.OrdinalIgnoreCase)
            || name.Equals(source.SignatureHeader, StringComparison.OrdinalIgnoreCase)
            || name.Equals(auth.Header, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var marker in CredentialMarkers)
        {
            if (name.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        // With our own Standard Webhooks signature the webhook-* trio (and Svix's svix-* names for it) is ours to set.
        var signsItself = TargetAuthTypes.StandardWebhooks.Equals(auth.Type, StringComparison.OrdinalIgnoreCase);
        return !(signsItself && (name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("svix-", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// Posts <paramref name="envelope"/>'s body to its destination of <paramref name="source"/> (the envelope's
    /// <see cref="DeliveryEnvelope.Destination"/>, else the first: <see cref="DestinationNames.Default"/> for a single-target source).
    /// </summary>
    public Task<TargetCallResult> SendAsync(DeliveryEnvelope envelope, SourceOptions source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var delivery = _options.CurrentValue.Delivery;
        var destinations = source.ResolveDestinations(delivery);
        var destination = envelope.Destination is { } name && destinations.TryGetValue(name, out var named) ? named : destinations.Values.First();
        return SendAsync(envelope, source, destination, cancellationToken);
    }

    /// <summary>Posts <paramref name="envelope"/>'s body to <paramref name="destination"/> of <paramref name="source"/>.</summary>
    /// <param name="envelope">The delivery; its body inline, or a claim-check reference streamed from blob storage.</param>
    /// <param name="source">The source (which provider headers are credentials).</param>
    /// <param name="destination">The destination, already checked: URL, auth, headers, timeout.</param>
    /// <param name="cancellationToken">Shutdown; the destination's timeout is applied on top.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="PayloadNotFoundException">The claim-check body no longer exists; the target was not called.</exception>
    /// <exception cref="Azure.RequestFailedException">The claim-check body could not be opened (storage unavailable); the target was not called.</exception>
    public async Task<TargetCallResult> SendAsync(DeliveryEnvelope envelope, SourceOptions source, ResolvedDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(destination);
        var delivery = _options.CurrentValue.Delivery;
        var timeout = destination.Timeout > TimeSpan.Zero ? destination.Timeout : delivery.Timeout;
        var startedAt = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();

        using var timeoutCts = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        TargetCallResult Failed(DeliveryFailureKind kind, string detail) =>
            new() { StartedAt = startedAt, Duration = _timeProvider.GetElapsedTime(started), Failure = kind, FailureDetail = detail };

        try
        {
            using var request = await BuildRequestAsync(envelope, source, destination, linked.Token).ConfigureAwait(false);
            var client = _httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);

            var status = (int)response.StatusCode;
            var kept = KeepHeaders(response);
            var (body, truncated) = status is >= 200 and < 300
                ? (null, false)
                : await ReadBoundedAsync(response.Content, delivery.MaxResponseBodyBytes, linked.Token).ConfigureAwait(false);
            TimeSpan? retryAfter = kept.TryGetValue("retry-after", out var retryAfterText)
                && RetryAfterParser.TryParse(retryAfterText, _timeProvider.GetUtcNow(), out var parsed)
                ? parsed
                : null;

            return new TargetCallResult
            {
                StartedAt = startedAt,
                Duration = _timeProvider.GetElapsedTime(started),
                Status = status,
                Response = new TargetResponse { Status = status, Headers = kept, Body = body, BodyTruncated = truncated },
                RetryAfter = retryAfter,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(DeliveryFailureKind.Timeout, string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException ex) when (FindInner<TargetRefusedException>(ex) is { } refused)
        {
            return Failed(DeliveryFailureKind.Refused, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return Failed(DeliveryFailureKind.ConnectionFailure, $"{ex.HttpRequestError}: {Innermost(ex).Message}");
        }
        catch (AuthenticationFailedException ex) // includes CredentialUnavailableException
        {
            return Failed(DeliveryFailureKind.CredentialFailure, $"no token for the target's scope: {ex.GetType().Name}");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // A stream that broke or a client torn down by a shutdown: another attempt may well succeed.
            return Failed(DeliveryFailureKind.ConnectionFailure, $"{ex.GetType().Name}: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException)
        {
            // The request could not even be built or sent: a bug or a bad setting, the same on every retry.
            return Failed(DeliveryFailureKind.ConfigurationError, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<HttpRequestMessage> BuildRequestAsync(DeliveryEnvelope envelope, SourceOptions source, ResolvedDestination destination, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, destination.Url);
        try
        {
            var auth = destination.Auth;
            var signingSecret = TargetAuthTypes.StandardWebhooks.Equals(auth.Type, StringComparison.OrdinalIgnoreCase) ? auth.Secret : null;
            (request.Content, var signature) = await CreateContentAsync(envelope, signingSecret, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(envelope.ContentType))
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", envelope.ContentType);
            }

            foreach (var (name, value) in envelope.Headers)
            {
                if (IsForwarded(name, source, auth) && IsHeaderName(name) && IsSafeValue(value))
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            // The destination's own headers win over a provider header of the same name.
            foreach (var (name, value) in destination.Headers)
            {
                if (IsSettableHeader(name) && IsSafeValue(value))
                {
                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            var idempotencyKey = destination.IdempotencyKey(envelope.Id);
            if (IsSafeValue(idempotencyKey))
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            }

            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            Diagnostics.DeliveryTelemetry.Propagate(request, envelope);
            await AuthenticateAsync(request, auth, signature, cancellationToken).ConfigureAwait(false);
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    // Inline bodies as they are; claim-check bodies streamed from their blob, with the length known up front.
    // A signed claim-check body is read once: spooled to a temporary file while its signature is computed (the
    // headers must be set before the body is sent), then sent from the file.
    private async Task<(HttpContent Content, SignatureHeaders? Signature)> CreateContentAsync(DeliveryEnvelope envelope, string? signingSecret, CancellationToken cancellationToken)
    {
        if (envelope.Body is { } inline)
        {
            var signature = signingSecret is null ? null : StandardWebhooksSigner.CreateHeaders(signingSecret, envelope.Id, _timeProvider.GetUtcNow(), inline);
            return (new ByteArrayContent(inline), signature);
        }

        var download = await OpenPayloadAsync(envelope, cancellationToken).ConfigureAwait(false);
        if (signingSecret is null)
        {
            var streamed = new StreamContent(download.Content);
            streamed.Headers.ContentLength = download.Length;
            return (streamed, null);
        }

        await using (download.ConfigureAwait(false))
        {
            var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                var signature = await StreamedBodySigner.CreateHeadersAsync(signingSecret, envelope.Id, _timeProvider.GetUtcNow(), download.Content, spool, cancellationToken).ConfigureAwait(false);
                spool.Position = 0;
                var spooled = new StreamContent(spool);
                spooled.Headers.ContentLength = spool.Length;
                return (spooled, signature);
            }
            catch
            {
                await spool.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private Task<PayloadDownload> OpenPayloadAsync(DeliveryEnvelope envelope, CancellationToken cancellationToken)
    {
        var reference = envelope.BodyRef ?? throw new InvalidOperationException("The delivery carries neither a body nor a body reference.");
        var payloads = _payloads ?? throw new InvalidOperationException("The delivery's body is a claim check, but no payload store is registered.");
        return payloads.OpenReadAsync(reference, cancellationToken);
    }

    private async Task AuthenticateAsync(HttpRequestMessage request, TargetAuthOptions auth, SignatureHeaders? signature, CancellationToken cancellationToken)
    {
        var type = auth.Type ?? TargetAuthTypes.None;
        if (type.Equals(TargetAuthTypes.Header, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.TryAddWithoutValidation(auth.Header!, auth.Value);
        }
        else if (type.Equals(TargetAuthTypes.Bearer, StringComparison.OrdinalIgnoreCase))
        {
            var token = await _credential.Value.GetTokenAsync(new TokenRequestContext([auth.Scope!]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }
        else if (signature is not null)
        {
            // Standard Webhooks, signed with the same signer the intake's verifier is tested against, so a target
            // running our verifier accepts us; computed with the content, which may be read only once.
            foreach (var (name, value) in signature)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    private static Dictionary<string, string> KeepHeaders(HttpResponseMessage response)
    {
        var kept = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (KeptResponseHeaders.Contains(name))
            {
                var value = string.Join(", ", values);
                kept[name.ToLowerInvariant()] = value.Length <= MaxHeaderValueLength ? value : value[..MaxHeaderValueLength];
            }
        }

        return kept;
    }

    private static async Task<(string? Body, bool Truncated)> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        maxBytes = Math.Max(maxBytes, 0);
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && read > 0))
        {
            // The status already arrived; keep what came of the body.
            return (Decode(content, buffer.AsSpan(0, Math.Min(read, maxBytes))), true);
        }

        var truncated = read > maxBytes;
        return (read == 0 ? null : Decode(content, buffer.AsSpan(0, Math.Min(read, maxBytes))), truncated);
    }

    private static string Decode(HttpContent content, ReadOnlySpan<byte> bytes)
    {
        var encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 with replacement characters is still readable.
            }
        }

        return encoding.GetString(bytes);
    }

    private static bool IsHeaderName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSafeValue(string value)
    {
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0')
            {
                return false;
            }
        }

        return true;
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }
}
