using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Webhooks.Configuration;
using Webhooks.Envelopes;

namespace Webhooks.AzureStorage;

/// <summary>
/// What happens to a received message whose text is not base64 (written by a tool that did not encode it): the
/// SDK hands it here, raw, instead of returning it. It is never guessed at and never silently left hidden: a
/// delivery queue's message moves to that queue's <c>&lt;queue&gt;-poison</c> as a dead-letter record with reason
/// <c>malformedMessage</c> and the raw text; a message of any other queue (dead letters, poison) is rewritten in
/// place the same way, so the inspection tools list it. Peeked messages are left alone (a peek changes nothing).
/// </summary>
internal sealed partial class UndecodableMessages(QueueNamesOptions names, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>The detail every such record carries.</summary>
    public const string Detail = "The message text is not valid base64, so it is not a message this app (or the Functions host) wrote; it was not delivered.";

    private readonly HashSet<string> _deliveryQueues = [.. Enumerable.Range(0, Math.Clamp(names.Count, 1, QueueNamesOptions.MaxCount)).Select(names.DeliveryQueueName)];

    /// <summary>The service the queues belong to; set once it is built (the options it is built with carry this handler).</summary>
    public QueueServiceClient? Service { get; set; }

    /// <summary>Subscribes to <paramref name="options"/>' decoding failures.</summary>
    public void Attach(QueueClientOptions options) => options.MessageDecodingFailed += OnDecodingFailedAsync;

    private async Task OnDecodingFailedAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }

        var queue = args.Queue;
        var target = _deliveryQueues.Contains(queue.Name) && Service is { } service ? service.GetQueueClient(queue.Name + StorageNames.PoisonSuffix) : queue;
        var record = Record(message.Body.ToString(), queue.Name);
        try
        {
            if (args.IsRunningSynchronously)
            {
                target.SendMessage(record, null, StorageNames.NeverExpires, args.CancellationToken);
                queue.DeleteMessage(message.MessageId, message.PopReceipt, args.CancellationToken);
            }
            else
            {
                await target.SendMessageAsync(record, null, StorageNames.NeverExpires, args.CancellationToken).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken).ConfigureAwait(false);
            }

            LogMoved(message.MessageId, queue.Name, target.Name);
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, args.CancellationToken))
        {
            // It becomes visible again after its visibility timeout and comes back here.
            LogNotMoved(ex, message.MessageId, queue.Name);
        }
    }

    private BinaryData Record(string rawText, string queueName)
    {
        var record = new DeadLetterRecord
        {
            Reason = DeadLetterReasons.MalformedMessage,
            Detail = Detail,
            RawMessage = rawText,
            DeadLetteredAt = timeProvider.GetUtcNow(),
            OriginQueue = queueName,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, WebhooksJsonContext.Default.DeadLetterRecord);
        while (bytes.Length > StorageNames.MaxMessagePayloadBytes && record.RawMessage is { Length: > 0 } raw)
        {
            record.RawMessage = raw[..(raw.Length / 2)];
            bytes = JsonSerializer.SerializeToUtf8Bytes(record, WebhooksJsonContext.Default.DeadLetterRecord);
        }

        return new BinaryData(bytes);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on {Queue} is not base64 (not written by this app); moved to {Target} as malformedMessage, not delivered")]
    private partial void LogMoved(string messageId, string queue, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on {Queue} is not base64 and could not be moved yet; it reappears after its visibility timeout")]
    private partial void LogNotMoved(Exception exception, string messageId, string queue);
}
