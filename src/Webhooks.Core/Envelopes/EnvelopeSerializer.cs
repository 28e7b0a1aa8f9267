using System.Text.Json;

namespace Webhooks.Envelopes;

/// <summary>Turns envelopes into queue message bytes and back. The one place that knows the wire format.</summary>
public static class EnvelopeSerializer
{
    /// <summary>UTF-8 JSON for the envelope.</summary>
    public static byte[] Serialize(DeliveryEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, WebhooksJsonContext.Default.DeliveryEnvelope);

    /// <summary>Reads an envelope; throws <see cref="EnvelopeFormatException"/> for anything that is not one.</summary>
    public static DeliveryEnvelope Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        DeliveryEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(utf8Json, WebhooksJsonContext.Default.DeliveryEnvelope);
        }
        catch (JsonException ex)
        {
            throw new EnvelopeFormatException($"The message is not a delivery envelope: {ex.Message}", ex);
        }

        if (envelope is null || string.IsNullOrEmpty(envelope.Id) || string.IsNullOrEmpty(envelope.Source))
        {
            throw new EnvelopeFormatException("The message is not a delivery envelope: id or source missing.");
        }

        if (envelope.Body is null && envelope.BodyRef is null)
        {
            throw new EnvelopeFormatException("The delivery envelope carries neither a body nor a body reference.");
        }

        return envelope;
    }
}

/// <summary>A queue message that cannot be read as an envelope or dead-letter record.</summary>
public sealed class EnvelopeFormatException(string message, Exception? inner = null) : Exception(message, inner);
