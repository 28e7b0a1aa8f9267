using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Webhooks.Cli.Output;

/// <summary>Small text helpers shared by the views.</summary>
internal static class TextFormat
{
    /// <summary>"3d 4h", "12m 5s", "40s".</summary>
    public static string Age(TimeSpan? age)
    {
        if (age is not { } value)
        {
            return "-";
        }

        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value.TotalDays >= 1 ? $"{(int)value.TotalDays}d {value.Hours}h"
            : value.TotalHours >= 1 ? $"{(int)value.TotalHours}h {value.Minutes}m"
            : value.TotalMinutes >= 1 ? $"{(int)value.TotalMinutes}m {value.Seconds}s"
            : $"{(int)value.TotalSeconds}s";
    }

    public static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    /// <summary>JSON text re-indented for reading; anything else unchanged.</summary>
    public static string PrettyJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
