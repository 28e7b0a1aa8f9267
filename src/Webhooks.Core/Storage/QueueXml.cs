using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Webhooks.Storage;

/// <summary>The Queue service's XML bodies: the message we put, and the message, list and error bodies it returns.</summary>
internal static class QueueXml
{
    private static readonly XmlReaderSettings SafeSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    /// <summary>Parses a response body without DTDs or external resolution.</summary>
    public static XDocument Load(string xml)
    {
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, SafeSettings);
        return XDocument.Load(reader);
    }

    /// <summary>Parses a response body from its bytes (the reader honours its encoding declaration), skipping a string copy.</summary>
    public static XDocument Load(byte[] xml)
    {
        using var bytes = new MemoryStream(xml, writable: false);
        using var reader = XmlReader.Create(bytes, SafeSettings);
        return XDocument.Load(reader);
    }

    /// <summary>The <c>QueueMessage</c> elements of a Put, Get or Peek Messages response.</summary>
    public static IReadOnlyList<MessageFields> ReadMessages(StorageResponse response)
    {
        var root = LoadSuccess(response).Root;
        if (root is null)
        {
            return [];
        }

        return root.Elements("QueueMessage").Select(m => new MessageFields(
            MessageId: m.Element("MessageId")?.Value ?? string.Empty,
            PopReceipt: m.Element("PopReceipt")?.Value,
            MessageText: m.Element("MessageText")?.Value,
            DequeueCount: long.TryParse(m.Element("DequeueCount")?.Value, CultureInfo.InvariantCulture, out var count) ? count : 0,
            InsertedOn: ParseDate(m.Element("InsertionTime")?.Value),
            ExpiresOn: ParseDate(m.Element("ExpirationTime")?.Value),
            NextVisibleOn: ParseDate(m.Element("TimeNextVisible")?.Value))).ToList();
    }

    /// <summary>The queue names and continuation marker of a List Queues response.</summary>
    public static (IReadOnlyList<string> Names, string? NextMarker) ReadQueueList(StorageResponse response)
    {
        var root = LoadSuccess(response).Root;
        var names = root?.Element("Queues")?.Elements("Queue")
            .Select(q => q.Element("Name")?.Value)
            .OfType<string>()
            .ToList() ?? [];
        var marker = root?.Element("NextMarker")?.Value;
        return (names, string.IsNullOrEmpty(marker) ? null : marker);
    }

    /// <summary>An RFC 1123 date as the service writes it (header or element), or null.</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static XDocument LoadSuccess(StorageResponse response)
    {
        try
        {
            return Load(response.Content);
        }
        catch (XmlException ex)
        {
            throw StorageErrors.UnreadableResponse(response.Status, ex);
        }
    }
}

/// <summary>One <c>QueueMessage</c> element as read; fields absent in a response are null.</summary>
internal sealed record MessageFields(
    string MessageId,
    string? PopReceipt,
    string? MessageText,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? ExpiresOn,
    DateTimeOffset? NextVisibleOn);
