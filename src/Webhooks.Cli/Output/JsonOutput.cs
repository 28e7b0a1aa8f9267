using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Webhooks.Cli.Output;

/// <summary>Writes JSON for scripts: indented, UTF-8, one document per command.</summary>
internal static class JsonOutput
{
    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Writes a small object of scalar properties (for values that have no model of their own).</summary>
    public static void WriteObject(TextWriter writer, params (string Name, object? Value)[] properties)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                switch (value)
                {
                    case null:
                        json.WriteNull(name);
                        break;
                    case int i:
                        json.WriteNumber(name, i);
                        break;
                    case long l:
                        json.WriteNumber(name, l);
                        break;
                    case bool b:
                        json.WriteBoolean(name, b);
                        break;
                    case JsonElement element:
                        json.WritePropertyName(name);
                        element.WriteTo(json);
                        break;
                    default:
                        json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
