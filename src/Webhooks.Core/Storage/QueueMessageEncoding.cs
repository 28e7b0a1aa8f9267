using System.Text;

namespace Webhooks.Storage;

/// <summary>
/// Base64 message text, the encoding the Functions queue trigger (<c>messageEncoding: base64</c>) and Storage
/// Explorer use. Text written by other tools that is not base64 is still readable: its UTF-8 bytes become the body.
/// </summary>
internal static class QueueMessageEncoding
{
    /// <summary>The message text for <paramref name="body"/>; throws when it would exceed the service's 64 KiB limit.</summary>
    public static string Encode(ReadOnlySpan<byte> body, string parameterName)
    {
        var encodedLength = ((body.Length + 2) / 3) * 4L;
        if (encodedLength > QueueClient.MaxMessageBytes)
        {
            throw new ArgumentException(
                $"The message is {body.Length} bytes, {encodedLength} after base64 encoding; a queue message holds at most {QueueClient.MaxMessageBytes} bytes (64 KiB) after encoding.",
                parameterName);
        }

        return Convert.ToBase64String(body);
    }

    /// <summary>The body for stored text: decoded base64, or the text's UTF-8 bytes when it is not base64.</summary>
    public static BinaryData Decode(string messageText)
    {
        var buffer = new byte[messageText.Length];
        return Convert.TryFromBase64String(messageText, buffer, out var written)
            ? new BinaryData(buffer.AsMemory(0, written))
            : new BinaryData(Encoding.UTF8.GetBytes(messageText));
    }
}
