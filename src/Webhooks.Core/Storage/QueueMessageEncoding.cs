using System.Buffers.Text;
using System.Text;

namespace Webhooks.Storage;

/// <summary>
/// Base64 message text, the encoding the Functions queue trigger (<c>messageEncoding: base64</c>) and Storage
/// Explorer use. Text written by other tools that is not base64 is still readable: its UTF-8 bytes become the body.
/// </summary>
internal static class QueueMessageEncoding
{
    private static ReadOnlySpan<byte> XmlPrefix => "<QueueMessage><MessageText>"u8;

    private static ReadOnlySpan<byte> XmlSuffix => "</MessageText></QueueMessage>"u8;

    /// <summary>
    /// The Put/Update Message XML body, as UTF-8, carrying <paramref name="body"/> as base64 message text; throws when
    /// the text would exceed the service's 64 KiB limit.
    /// </summary>
    /// <remarks>
    /// Written straight into one array: base64's alphabet needs no XML escaping, so there is no need for a string,
    /// an XML tree or a second encoding pass (each would cost more than the message itself, per message).
    /// </remarks>
    public static byte[] EncodeMessageXml(ReadOnlySpan<byte> body, string parameterName)
    {
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(body.Length);
        if (encodedLength > QueueClient.MaxMessageBytes)
        {
            throw new ArgumentException(
                $"The message is {body.Length} bytes, {encodedLength} after base64 encoding; a queue message holds at most {QueueClient.MaxMessageBytes} bytes (64 KiB) after encoding.",
                parameterName);
        }

        var xml = new byte[XmlPrefix.Length + encodedLength + XmlSuffix.Length];
        XmlPrefix.CopyTo(xml);
        Base64.EncodeToUtf8(body, xml.AsSpan(XmlPrefix.Length), out _, out var written);
        XmlSuffix.CopyTo(xml.AsSpan(XmlPrefix.Length + written));
        return xml;
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
