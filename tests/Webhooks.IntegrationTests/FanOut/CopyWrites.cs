using System.Xml.Linq;
using Azure.Core;
using Webhooks.Envelopes;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>Reads a fan-out's copy write (a Put Message request) as the queue service receives it.</summary>
internal static class CopyWrites
{
    /// <summary>
    /// The destination named by the envelope that <paramref name="request"/> puts on queue <paramref name="queue"/>;
    /// null for any other request (or an envelope without a destination).
    /// </summary>
    public static string? DestinationOf(Request request, string queue)
    {
        if (request.Method != RequestMethod.Post || !request.Uri.Path.EndsWith($"/{queue}/messages", StringComparison.Ordinal) || request.Content is null)
        {
            return null;
        }

        // <QueueMessage><MessageText>base64 of the envelope</MessageText></QueueMessage>; the content is replayable (the SDK resends it on retries).
        using var xml = new MemoryStream();
        request.Content.WriteTo(xml, CancellationToken.None);
        xml.Position = 0;
        var text = XDocument.Load(xml).Root?.Element("MessageText")?.Value;
        return text is null ? null : EnvelopeSerializer.Deserialize(Convert.FromBase64String(text)).Destination;
    }
}
