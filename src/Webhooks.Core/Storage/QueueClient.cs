using System.Globalization;
using Azure;

namespace Webhooks.Storage;

/// <summary>
/// A client for one Azure Storage queue, speaking the documented Queue service REST protocol
/// (https://learn.microsoft.com/rest/api/storageservices/queue-service-rest-api). A small sibling of
/// Azure.Storage.Queues' <c>QueueClient</c>, which cannot be restored on every machine we build on.
/// </summary>
/// <remarks>
/// Message bodies are base64-encoded on the wire, as the Functions queue trigger (<c>messageEncoding: base64</c>)
/// and Storage Explorer expect. Every failure is a <see cref="RequestFailedException"/> carrying the service's
/// status and <c>x-ms-error-code</c>; a transport failure or timeout has status 0. Calls are not retried: the
/// caller decides (intake answers 503, workers leave the message to reappear).
/// Members are virtual so tests can substitute a narrow seam with Moq.
/// </remarks>
public class QueueClient
{
    /// <summary>Largest message the service accepts, in bytes of the encoded text (64 KiB).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Most messages a single get or peek returns.</summary>
    public const int MaxMessagesPerCall = 32;

    /// <summary>Longest visibility timeout the service accepts (7 days).</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private readonly StoragePipeline _pipeline;
    private readonly Uri _messagesUri;

    /// <summary>
    /// A client for the queue at <paramref name="queueUri"/> (e.g. <c>https://acct.queue.core.windows.net/orders</c>),
    /// with its own HTTP pipeline. Prefer <see cref="QueueServiceClient.GetQueueClient"/> to share one.
    /// </summary>
    public QueueClient(Uri queueUri, StorageCredential credential, QueueClientOptions? options = null)
        : this(queueUri, new StoragePipeline(credential, options))
    {
    }

    /// <summary>For mocking.</summary>
    protected QueueClient()
    {
        Name = string.Empty;
        Uri = new Uri("http://localhost/");
        _pipeline = null!;
        _messagesUri = Uri;
    }

    internal QueueClient(Uri queueUri, StoragePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(queueUri);
        var path = queueUri.AbsolutePath.TrimEnd('/');
        Name = path[(path.LastIndexOf('/') + 1)..];
        QueueNames.Validate(Name, nameof(queueUri));
        Uri = new Uri(queueUri.GetLeftPart(UriPartial.Authority) + path);
        _messagesUri = new Uri(Uri.AbsoluteUri + "/messages");
        _pipeline = pipeline;
    }

    /// <summary>The queue's name.</summary>
    public virtual string Name { get; }

    /// <summary>The queue's URI, without credentials.</summary>
    public virtual Uri Uri { get; }

    /// <summary>Creates the queue if it does not exist (Create Queue; 201 or 204 are both success).</summary>
    public virtual async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _pipeline.SendAsync(new StorageRequest(HttpMethod.Put, Uri), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == "QueueAlreadyExists")
        {
            // It exists with other metadata: still "exists".
        }
    }

    /// <summary>Deletes the queue if it exists (Delete Queue).</summary>
    public virtual async Task DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _pipeline.SendAsync(new StorageRequest(HttpMethod.Delete, Uri), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "QueueNotFound")
        {
        }
    }

    /// <summary>Puts a message (Put Message). <paramref name="timeToLive"/> of <see cref="Timeout.InfiniteTimeSpan"/> means never expire.</summary>
    /// <exception cref="ArgumentException">The base64-encoded message is over <see cref="MaxMessageBytes"/>.</exception>
    public virtual async Task<SendReceipt> SendMessageAsync(ReadOnlyMemory<byte> message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Post, _messagesUri).WithXmlBody(QueueMessageEncoding.EncodeMessageXml(message.Span, nameof(message)));
        if (visibilityTimeout is { } visibility)
        {
            request.WithQuery("visibilitytimeout", Seconds(visibility, TimeSpan.Zero, nameof(visibilityTimeout)));
        }

        if (timeToLive is { } ttl)
        {
            request.WithQuery("messagettl", ttl == Timeout.InfiniteTimeSpan ? -1 : Seconds(ttl, TimeSpan.FromSeconds(1), nameof(timeToLive), TimeSpan.MaxValue));
        }

        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var sent = SingleMessage(response);
        return new SendReceipt(sent.MessageId, sent.PopReceipt ?? string.Empty, sent.InsertedOn ?? default, sent.ExpiresOn ?? default, sent.NextVisibleOn ?? default);
    }

    /// <summary>Gets up to <paramref name="maxMessages"/> messages, hiding them for <paramref name="visibilityTimeout"/> (Get Messages).</summary>
    public virtual async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Get, _messagesUri).WithQuery("numofmessages", MessageCount(maxMessages));
        if (visibilityTimeout is { } visibility)
        {
            request.WithQuery("visibilitytimeout", Seconds(visibility, TimeSpan.FromSeconds(1), nameof(visibilityTimeout)));
        }

        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return QueueXml.ReadMessages(response)
            .Select(m => new QueueMessage(
                m.MessageId, m.PopReceipt ?? string.Empty, QueueMessageEncoding.Decode(m.MessageText ?? string.Empty), m.MessageText ?? string.Empty,
                m.DequeueCount, m.InsertedOn, m.ExpiresOn, m.NextVisibleOn))
            .ToList();
    }

    /// <summary>Peeks at up to <paramref name="maxMessages"/> messages without changing their visibility (Peek Messages).</summary>
    public virtual async Task<IReadOnlyList<PeekedMessage>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Get, _messagesUri)
            .WithQuery("peekonly", "true")
            .WithQuery("numofmessages", MessageCount(maxMessages));
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return QueueXml.ReadMessages(response)
            .Select(m => new PeekedMessage(
                m.MessageId, QueueMessageEncoding.Decode(m.MessageText ?? string.Empty), m.MessageText ?? string.Empty,
                m.DequeueCount, m.InsertedOn, m.ExpiresOn))
            .ToList();
    }

    /// <summary>Deletes a received message (Delete Message).</summary>
    public virtual async Task DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Delete, MessageUri(messageId)).WithQuery("popreceipt", Required(popReceipt, nameof(popReceipt)));
        await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes a received message's visibility and, when <paramref name="message"/> is given, its content (Update Message).</summary>
    /// <exception cref="ArgumentException">The new base64-encoded content is over <see cref="MaxMessageBytes"/>.</exception>
    public virtual async Task<UpdateReceipt> UpdateMessageAsync(string messageId, string popReceipt, ReadOnlyMemory<byte>? message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Put, MessageUri(messageId))
            .WithQuery("popreceipt", Required(popReceipt, nameof(popReceipt)))
            .WithQuery("visibilitytimeout", Seconds(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout)));
        if (message is { } content)
        {
            request.WithXmlBody(QueueMessageEncoding.EncodeMessageXml(content.Span, nameof(message)));
        }

        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new UpdateReceipt(
            response.Header("x-ms-popreceipt") ?? string.Empty,
            QueueXml.ParseDate(response.Header("x-ms-time-next-visible")) ?? default);
    }

    /// <summary>Deletes every message (Clear Messages).</summary>
    public virtual async Task ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        await _pipeline.SendAsync(new StorageRequest(HttpMethod.Delete, _messagesUri), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the queue's metadata, including the approximate message count (Get Queue Metadata).</summary>
    public virtual async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Get, Uri).WithQuery("comp", "metadata");
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var count = int.TryParse(response.Header("x-ms-approximate-messages-count"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        const string MetaPrefix = "x-ms-meta-";
        var metadata = response.Headers
            .Where(h => h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key[MetaPrefix.Length..], h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
        return new QueueProperties(count, metadata);
    }

    private Uri MessageUri(string messageId) =>
        new(_messagesUri.AbsoluteUri + "/" + Uri.EscapeDataString(Required(messageId, nameof(messageId))));

    private static MessageFields SingleMessage(StorageResponse response) =>
        QueueXml.ReadMessages(response) is [var first, ..]
            ? first
            : throw StorageErrors.UnreadableResponse(response.Status, new FormatException("The response has no QueueMessage element."));

    private static int MessageCount(int maxMessages) =>
        maxMessages is >= 1 and <= MaxMessagesPerCall
            ? maxMessages
            : throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"Between 1 and {MaxMessagesPerCall} messages per call.");

    // Whole seconds, rounded up so a short delay never becomes "visible now".
    private static long Seconds(TimeSpan value, TimeSpan min, string parameterName, TimeSpan? max = null)
    {
        var limit = max ?? MaxVisibilityTimeout;
        if (value < min || value > limit)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Must be between {min} and {limit}.");
        }

        return (long)Math.Ceiling(value.TotalSeconds);
    }

    private static string Required(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
        return value;
    }
}
