using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Webhooks.Delivery.Routing;

/// <summary>
/// The scalar values at a few dotted object paths of a JSON body, read in one forward pass without holding the body:
/// a claim-check body of many megabytes is streamed through a small buffer, never parsed into a document.
/// </summary>
/// <remarks>
/// Same reading as <see cref="JsonDocument"/> with <see cref="Intake.SenderJson"/>: every step an object property
/// (values inside arrays are never reached), the last duplicate wins, strings unescaped, numbers and booleans as their
/// JSON text; a path ending at null, an object or an array has no value. A body that is not well-formed JSON (or is
/// nested deeper than 64) yields null from the readers: no path matches it.
/// </remarks>
public sealed class JsonFields
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly string[][] _wanted;
    private readonly string?[] _values;
    private readonly List<Frame> _frames = [];
    private string? _propertyName;
    private bool _unreadableName;

    private JsonFields(IEnumerable<string[]> paths)
    {
        _wanted = [.. paths.Where(p => p.Length > 0)];
        _values = new string?[_wanted.Length];
    }

    /// <summary>The value at <paramref name="path"/> as text, or null when absent, null, an object or an array (or not asked for).</summary>
    public string? this[IReadOnlyList<string> path]
    {
        get
        {
            for (var i = 0; i < _wanted.Length; i++)
            {
                if (_wanted[i].AsSpan().SequenceEqual(path is string[] array ? array : [.. path]))
                {
                    return _values[i];
                }
            }

            return null;
        }
    }

    /// <summary>Reads <paramref name="paths"/> from an inline body; null when it is not JSON.</summary>
    public static JsonFields? Read(ReadOnlySpan<byte> utf8Json, IEnumerable<string[]> paths)
    {
        var fields = new JsonFields(paths);
        try
        {
            var reader = new Utf8JsonReader(utf8Json, isFinalBlock: true, default);
            fields.Consume(ref reader);
            return reader.BytesConsumed == utf8Json.Length || IsOnlyWhitespace(utf8Json[(int)reader.BytesConsumed..]) ? fields : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads <paramref name="paths"/> from a streamed body, reading it once to its end; null when it is not JSON.</summary>
    public static async Task<JsonFields?> ReadAsync(Stream utf8Json, IEnumerable<string[]> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var fields = new JsonFields(paths);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            var state = default(JsonReaderState);
            var filled = 0;
            var final = false;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token larger than the buffer (a long string): grow to hold it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await utf8Json.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                final = read == 0;
                filled += read;
                var consumed = fields.ConsumeBlock(buffer.AsSpan(0, filled), final, ref state);
                if (final)
                {
                    return consumed == filled || IsOnlyWhitespace(buffer.AsSpan(consumed, filled - consumed)) ? fields : null;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int ConsumeBlock(ReadOnlySpan<byte> block, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(block, final, state);
        Consume(ref reader);
        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private void Consume(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    _unreadableName = !TryGetString(ref reader, out _propertyName);
                    break;

                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var frame = new Frame(reader.TokenType == JsonTokenType.StartArray, _propertyName, _unreadableName);
                    Record(null); // a container where a value is wanted is no value
                    _frames.Add(frame);
                    break;

                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    _frames.RemoveAt(_frames.Count - 1);
                    break;

                case JsonTokenType.String:
                    Record(TryGetString(ref reader, out var text) ? text : null);
                    break;

                case JsonTokenType.Number:
                    Record(Encoding.UTF8.GetString(reader.ValueSpan));
                    break;

                case JsonTokenType.True:
                    Record("true");
                    break;

                case JsonTokenType.False:
                    Record("false");
                    break;

                case JsonTokenType.Null:
                    Record(null);
                    break;
            }
        }
    }

    // A value just read sits at the frames' names plus the pending property name, when every step is an object property.
    private void Record(string? value)
    {
        var name = _propertyName;
        var unreadable = _unreadableName;
        _propertyName = null;
        _unreadableName = false;
        if (name is null || unreadable || _wanted.Length == 0)
        {
            return;
        }

        // Frame 0 is the root object (no name); frames 1… were entered through a property each.
        var depth = _frames.Count;
        if (depth == 0 || _frames.Exists(f => f.IsArray || f.UnreadableName))
        {
            return;
        }

        for (var i = 0; i < _wanted.Length; i++)
        {
            var path = _wanted[i];
            if (path.Length != depth || path[^1] != name)
            {
                continue;
            }

            var same = true;
            for (var step = 1; step < depth && same; step++)
            {
                same = path[step - 1] == _frames[step].Name;
            }

            if (same)
            {
                _values[i] = value;
            }
        }
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string? value)
    {
        try
        {
            value = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // Not transcodable (invalid UTF-8 or a lone surrogate escape): unreadable, never matched.
            value = null;
            return false;
        }
    }

    private static bool IsOnlyWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Frame(bool IsArray, string? Name, bool UnreadableName);
}
