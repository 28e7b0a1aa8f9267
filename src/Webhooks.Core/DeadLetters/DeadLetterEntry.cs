using System.Text;
using System.Text.Json.Serialization;
using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

/// <summary>A dead-letter entry with everything known about it: the full record and the original envelope.</summary>
public sealed record DeadLetterEntry : DeadLetterSummary
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The dead-letter record. For host-poisoned messages one is made up: reason <c>hostPoisoned</c>, the envelope
    /// when the message parses as one, the raw text otherwise.
    /// </summary>
    [JsonPropertyOrder(200)]
    public required DeadLetterRecord Record { get; init; }

    /// <summary>The delivery body as text when it is valid UTF-8 and carried inline; null otherwise.</summary>
    [JsonPropertyOrder(201)]
    public string? BodyText
    {
        get
        {
            if (Record.Envelope?.Body is not { } body)
            {
                return null;
            }

            try
            {
                return StrictUtf8.GetString(body);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }
}
