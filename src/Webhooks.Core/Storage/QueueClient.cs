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
/// status and <c>x-ms-error-code</c>; a transport failure or timeout has status 0.
/// Members are virtual so tests can substitute a narrow seam with Moq.
/// </remarks>
public class QueueClient
{
    /// <summary>Largest message the service accepts, in bytes of the encoded text (64 KiB).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Most messages a single get or peek returns.</summary>
    public const int MaxMessagesPerCall = 32;

    /// <summary>For mocking.</summary>
    protected QueueClient()
    {
        Name = string.Empty;
        Uri = new Uri("http://localhost/");
    }

    /// <summary>The queue's name.</summary>
    public virtual string Name { get; }

    /// <summary>The queue's URI, without credentials.</summary>
    public virtual Uri Uri { get; }

    /// <summary>Creates the queue if it does not exist (Create Queue; 201 or 204 are both success).</summary>
    public virtual Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Deletes the queue if it exists (Delete Queue).</summary>
    public virtual Task DeleteIfExistsAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Puts a message (Put Message). <paramref name="timeToLive"/> of <see cref="Timeout.InfiniteTimeSpan"/> means never expire.</summary>
    public virtual Task<SendReceipt> SendMessageAsync(ReadOnlyMemory<byte> message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Gets up to <paramref name="maxMessages"/> messages, hiding them for <paramref name="visibilityTimeout"/> (Get Messages).</summary>
    public virtual Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Peeks at up to <paramref name="maxMessages"/> messages without changing their visibility (Peek Messages).</summary>
    public virtual Task<IReadOnlyList<PeekedMessage>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Deletes a received message (Delete Message).</summary>
    public virtual Task DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Changes a received message's visibility and, when <paramref name="message"/> is given, its content (Update Message).</summary>
    public virtual Task<UpdateReceipt> UpdateMessageAsync(string messageId, string popReceipt, ReadOnlyMemory<byte>? message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Deletes every message (Clear Messages).</summary>
    public virtual Task ClearMessagesAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Reads the queue's metadata, including the approximate message count (Get Queue Metadata).</summary>
    public virtual Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
