using System.Text.Json;
using Webhooks.Envelopes;
using Azure.Storage.Queues.Models;

namespace Webhooks.DeadLetters;

/// <summary>
/// Reads queue messages into entries: dead-letter records as the worker wrote them, and host-poisoned messages
/// (raw envelopes) as made-up records with reason <c>hostPoisoned</c>. Never throws for bad content: what cannot be
/// read becomes an unreadable entry carrying the raw text, so an operator can still see and purge it.
/// </summary>
internal static class DeadLetterReader
{
    public static DeadLetterEntry FromDeadLetterQueue(QueueMessage message, string queueName, DateTimeOffset now)
    {
        DeadLetterRecord? record = null;
        try
        {
            record = JsonSerializer.Deserialize(message.Body.ToMemory().Span, WebhooksJsonContext.Default.DeadLetterRecord);
        }
        catch (JsonException)
        {
            // Falls through to an unreadable entry.
        }

        if (record is null)
        {
            var raw = new DeadLetterRecord
            {
                Reason = DeadLetterReasons.MalformedMessage,
                DeadLetteredAt = message.InsertedOn ?? now,
                RawMessage = message.Body.ToString(),
                OriginQueue = queueName,
            };
            return Build(message, queueName, raw, poisoned: false, readable: false);
        }

        return Build(message, queueName, record, poisoned: false, readable: true);
    }

    public static DeadLetterEntry FromPoisonQueue(QueueMessage message, string queueName, string deliveriesQueueName, DateTimeOffset now)
    {
        DeliveryEnvelope? envelope = null;
        try
        {
            envelope = EnvelopeSerializer.Deserialize(message.Body.ToMemory().Span);
        }
        catch (EnvelopeFormatException)
        {
            // Shown as raw text below, unless it is the record we write for a message that was not base64.
        }

        if (envelope is null && ReadRecord(message) is { Reason: DeadLetterReasons.MalformedMessage } malformed)
        {
            malformed.OriginQueue ??= deliveriesQueueName;
            return Build(message, queueName, malformed, poisoned: true, readable: false);
        }

        var record = new DeadLetterRecord
        {
            Reason = DeadLetterReasons.HostPoisoned,
            DeadLetteredAt = message.InsertedOn ?? now,
            Envelope = envelope,
            RawMessage = envelope is null ? message.Body.ToString() : null,
            OriginQueue = deliveriesQueueName,
        };
        return Build(message, queueName, record, poisoned: true, readable: envelope is not null);
    }

    private static DeadLetterRecord? ReadRecord(QueueMessage message)
    {
        try
        {
            return JsonSerializer.Deserialize(message.Body.ToMemory().Span, WebhooksJsonContext.Default.DeadLetterRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DeadLetterEntry Build(QueueMessage message, string queueName, DeadLetterRecord record, bool poisoned, bool readable) =>
        FromRecord(record, message.MessageId, queueName, poisoned, readable);

    /// <summary>The entry for <paramref name="record"/>; its id is the delivery id, or <paramref name="messageId"/> when it has none.</summary>
    public static DeadLetterEntry FromRecord(DeadLetterRecord record, string messageId, string queueName, bool poisoned, bool readable)
    {
        var envelope = record.Envelope;
        var status = record.FinalStatus ?? record.Response?.Status;
        return new DeadLetterEntry
        {
            Id = string.IsNullOrEmpty(envelope?.Id) ? messageId : envelope.Id,
            MessageId = messageId,
            Queue = queueName,
            Poisoned = poisoned,
            Source = envelope?.Source,
            Destination = envelope?.Destination,
            Reason = record.Reason,
            Status = status,
            ErrorCode = record.Error?.ErrorCode,
            ErrorSummary = Summarize(record, status),
            DeadLetteredAt = record.DeadLetteredAt,
            ReceivedAt = envelope?.ReceivedAt,
            Attempts = envelope?.Attempt ?? 0,
            ReplayCount = envelope?.ReplayCount ?? 0,
            Readable = readable,
            Record = record,
        };
    }

    private static string? Summarize(DeadLetterRecord record, int? status)
    {
        if (record.Error is { } error)
        {
            if (!string.IsNullOrWhiteSpace(error.Summary))
            {
                return error.Summary;
            }

            var code = error.ErrorCode is null ? string.Empty : $" {error.ErrorCode}";
            var message = error.Message is null ? string.Empty : $": {error.Message}";
            return $"{status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}{code}{message}".Trim();
        }

        return status is null ? record.Detail : $"{status}: {record.Detail ?? "no parsed error"}";
    }
}
