using System.Text.Json;

namespace Webhooks.Intake;

/// <summary>
/// The one way to read JSON someone else wrote (a delivery, an admin request body). System.Text.Json throws
/// <see cref="InvalidOperationException"/> when a name or string holds an escape that cannot become UTF-16 (a lone
/// surrogate such as <c>"\ud800"</c>) and when a value is asked for as the wrong kind; here each of those is simply
/// "not there", so sender data can never turn into a 500.
/// </summary>
public static class SenderJson
{
    /// <summary>The UTF-8 byte-order mark, which RFC 8259 lets a receiver ignore before a JSON text.</summary>
    public static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The JSON text after a leading byte-order mark, if there is one.</summary>
    public static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> json) =>
        json.Span.StartsWith(ByteOrderMark) ? json[ByteOrderMark.Length..] : json;

    /// <inheritdoc cref="WithoutByteOrderMark(ReadOnlyMemory{byte})"/>
    public static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> json) =>
        json.StartsWith(ByteOrderMark) ? json[ByteOrderMark.Length..] : json;

    /// <summary>How a property name that is not valid text is shown.</summary>
    public const string UnreadableName = "(a name with an invalid escape)";

    /// <summary>
    /// The property named <paramref name="name"/> of an object (the last duplicate wins, as in
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>); false when <paramref name="element"/> is not an
    /// object or has no readable property of that name. Unreadable names are skipped, never matched.
    /// </summary>
    public static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            return TryFindSkippingUnreadableNames(element, name, out value);
        }
    }

    /// <summary>The text of a string value; null when it is not a string or cannot be transcoded.</summary>
    public static string? GetString(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Whether the value is a string equal to <paramref name="expected"/>.</summary>
    public static bool IsString(JsonElement element, string expected) => GetString(element) == expected;

    /// <summary>The names of an object's properties (for error messages), an unreadable one as <see cref="UnreadableName"/>.</summary>
    public static IEnumerable<string> PropertyNames(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in element.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                name = UnreadableName;
            }

            yield return name;
        }
    }

    private static bool TryFindSkippingUnreadableNames(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            bool matches;
            try
            {
                matches = property.NameEquals(name);
            }
            catch (InvalidOperationException)
            {
                matches = false; // a name that cannot be read is not the one looked for
            }

            if (matches)
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }
}
