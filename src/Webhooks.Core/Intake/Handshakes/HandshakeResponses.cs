using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Webhooks.Intake.Handshakes;

/// <summary>Small answers shared by the handshake responders.</summary>
internal static class HandshakeResponses
{
    /// <summary>200 with a one-property JSON object.</summary>
    public static IntakeResponse JsonProperty(string name, string value)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + value.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(name, value);
            json.WriteEndObject();
        }

        return new IntakeResponse { Status = 200, ContentType = "application/json", Body = buffer.WrittenMemory };
    }

    /// <summary>200 text/plain, never sniffed as HTML.</summary>
    public static IntakeResponse PlainText(string text) => new()
    {
        Status = 200,
        ContentType = "text/plain; charset=utf-8",
        Body = Encoding.UTF8.GetBytes(text),
        Headers = [new("X-Content-Type-Options", "nosniff")],
    };
}
