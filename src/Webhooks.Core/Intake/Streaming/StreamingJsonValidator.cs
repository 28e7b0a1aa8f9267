using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Webhooks.Intake.Streaming;

/// <summary>
/// Checks that a body is one well-formed JSON value while it streams past in chunks of any size, accepting
/// exactly what <see cref="JsonDocument"/> accepts with <see cref="JsonBodyValidator"/>'s options (RFC 8259, no
/// comments, no trailing commas, depth at most 64, a leading UTF-8 byte-order mark ignored as RFC 8259 allows), and
/// watches a few dotted paths on the way; a refusal says what is wrong and where (line and byte) in plain words.
/// Memory is constant: a container stack and one small capture buffer, never the body or a whole token, so a
/// 20 MiB string costs nothing extra. UTF-8 validity is checked separately (<see cref="Utf8Validator"/>).
/// </summary>
internal sealed class StreamingJsonValidator
{
    /// <summary>The deepest nesting accepted, as <see cref="JsonBodyValidator"/>'s <c>MaxDepth</c>.</summary>
    public const int MaxDepth = 64;

    // Longest property name or watched scalar kept; longer ones cannot match a configured path or id.
    private const int MaxCapture = 1024;

    private static readonly SearchValues<byte> StringStops =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] Null = "null"u8.ToArray();

    private readonly JsonPathWatch _watch;
    private readonly bool[] _isObject = new bool[MaxDepth];
    private readonly string?[] _paths = new string?[MaxDepth];
    private readonly byte[] _capture = new byte[MaxCapture];
    private int _depth;
    private State _state = State.Value;
    private long _offset;
    private int _bomBytes;
    private long _line = 1;
    private long _lineStart;
    private string? _valuePath = string.Empty;
    private string? _tokenPath;
    private bool _inKey;
    private int _escape;
    private NumberState _number;
    private byte[] _literal = True;
    private int _literalIndex;
    private JsonValueKind _literalKind;
    private bool _capturing;
    private int _captured;
    private bool _captureOverflow;
    private bool _captureEscaped;

    /// <summary>A validator watching the paths of <paramref name="watch"/>.</summary>
    public StreamingJsonValidator(JsonPathWatch watch)
    {
        _watch = watch;
    }

    private enum State
    {
        Value,
        ValueOrArrayEnd,
        KeyOrObjectEnd,
        Key,
        Colon,
        AfterValue,
        Done,
        InString,
        InNumber,
        InLiteral,
    }

    private enum NumberState
    {
        Minus,
        Zero,
        Integer,
        FractionStart,
        Fraction,
        ExponentStart,
        ExponentSign,
        Exponent,
    }

    /// <summary>Why the body is not JSON, or null while it still may be (and after <see cref="Complete"/>, when it is).</summary>
    public string? Error { get; private set; }

    /// <summary>What was seen at the watched paths.</summary>
    public JsonPathWatch Watch => _watch;

    /// <summary>Feeds the next chunk.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (i < chunk.Length && _offset + i < SenderJson.ByteOrderMark.Length && _offset + i == _bomBytes && chunk[i] == SenderJson.ByteOrderMark[_bomBytes])
        {
            i++;
            _bomBytes++;
        }

        while (i < chunk.Length && Error is null)
        {
            switch (_state)
            {
                case State.InString:
                    i = ScanString(chunk, i);
                    break;

                case State.InNumber:
                    if (StepNumber(chunk[i]))
                    {
                        Capture(chunk.Slice(i, 1));
                        i++;
                    }
                    else
                    {
                        EndNumber(i); // the byte is read again in the new state
                    }

                    break;

                case State.InLiteral:
                    if (chunk[i] != _literal[_literalIndex])
                    {
                        Fail("invalid literal", i);
                        break;
                    }

                    i++;
                    if (++_literalIndex == _literal.Length)
                    {
                        EndScalar(_literalKind, text: null, isInt64: false);
                    }

                    break;

                default:
                    var b = chunk[i];
                    if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
                    {
                        if (b == '\n')
                        {
                            _line++;
                            _lineStart = _offset + i + 1;
                        }

                        i++;
                        break;
                    }

                    Structural(b, i);
                    i++;
                    break;
            }
        }

        _offset += chunk.Length;
    }

    /// <summary>The body ended: sets <see cref="Error"/> unless it was exactly one complete JSON value.</summary>
    public void Complete()
    {
        if (Error is not null)
        {
            return;
        }

        if (_state == State.InNumber)
        {
            EndNumber(0);
        }

        if (Error is null && _state != State.Done)
        {
            Error = _offset == 0 || (_state == State.Value && _depth == 0)
                ? "the body holds no JSON value"
                : $"the body ends before the JSON value is complete ({Where(_offset)})";
        }
    }

    private void Structural(byte b, int at)
    {
        switch (_state)
        {
            case State.Value:
                StartValue(b, at);
                break;

            case State.ValueOrArrayEnd when b == ']':
                Close();
                break;

            case State.ValueOrArrayEnd:
                StartValue(b, at);
                break;

            case State.KeyOrObjectEnd when b == '}':
                Close();
                break;

            case State.KeyOrObjectEnd or State.Key when b == '"':
                StartString(inKey: true, capture: _paths[_depth - 1] is not null);
                break;

            case State.KeyOrObjectEnd or State.Key:
                Fail("expected a property name", at);
                break;

            case State.Colon when b == ':':
                _state = State.Value;
                break;

            case State.Colon:
                Fail("expected ':' after a property name", at);
                break;

            case State.AfterValue when b == ',':
                if (_isObject[_depth - 1])
                {
                    _state = State.Key;
                }
                else
                {
                    _valuePath = null;
                    _state = State.Value;
                }

                break;

            case State.AfterValue when (b == '}' && _isObject[_depth - 1]) || (b == ']' && !_isObject[_depth - 1]):
                Close();
                break;

            case State.AfterValue:
                Fail($"expected ',' or '{(_isObject[_depth - 1] ? '}' : ']')}'", at);
                break;

            default:
                Fail("unexpected data after the JSON value", at);
                break;
        }
    }

    private void StartValue(byte b, int at)
    {
        var path = _valuePath;
        _valuePath = null;
        if (path is { Length: > 0 })
        {
            _watch.OnValueStart(path);
        }

        var watched = path is { Length: > 0 } && _watch.IsWatched(path) ? path : null;
        switch (b)
        {
            case (byte)'{':
                Push(isObject: true, path is not null && _watch.IsPrefix(path) ? path : null, at);
                Observe(watched, JsonValueKind.Object);
                _state = State.KeyOrObjectEnd;
                break;

            case (byte)'[':
                Push(isObject: false, path: null, at);
                Observe(watched, JsonValueKind.Array);
                _state = State.ValueOrArrayEnd;
                break;

            case (byte)'"':
                _tokenPath = watched;
                StartString(inKey: false, capture: watched is not null);
                break;

            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                _tokenPath = watched;
                BeginCapture(watched is not null);
                Capture([b]);
                _number = b == '-' ? NumberState.Minus : b == '0' ? NumberState.Zero : NumberState.Integer;
                _state = State.InNumber;
                break;

            case (byte)'t' or (byte)'f' or (byte)'n':
                _tokenPath = watched;
                (_literal, _literalKind) = b == 't' ? (True, JsonValueKind.True) : b == 'f' ? (False, JsonValueKind.False) : (Null, JsonValueKind.Null);
                _literalIndex = 1;
                _state = State.InLiteral;
                break;

            default:
                Fail("expected a JSON value", at);
                break;
        }
    }

    private void Push(bool isObject, string? path, int at)
    {
        if (_depth == MaxDepth)
        {
            Fail($"the JSON is nested deeper than {MaxDepth} levels", at);
            return;
        }

        _isObject[_depth] = isObject;
        _paths[_depth] = path;
        _depth++;
    }

    private void Close()
    {
        _depth--;
        EndValue();
    }

    private void EndValue() => _state = _depth == 0 ? State.Done : State.AfterValue;

    private void Observe(string? path, JsonValueKind kind)
    {
        if (path is not null)
        {
            _watch.Observe(path, new JsonObservation(kind, IsInt64: false, Text: null));
        }
    }

    private void EndScalar(JsonValueKind kind, string? text, bool isInt64)
    {
        if (_tokenPath is not null)
        {
            _watch.Observe(_tokenPath, new JsonObservation(kind, isInt64, text));
            _tokenPath = null;
        }

        EndValue();
    }

    private void StartString(bool inKey, bool capture)
    {
        _inKey = inKey;
        _escape = 0;
        BeginCapture(capture);
        _state = State.InString;
    }

    private int ScanString(ReadOnlySpan<byte> chunk, int i)
    {
        while (i < chunk.Length)
        {
            if (_escape == 0)
            {
                var rest = chunk[i..];
                var stop = rest.IndexOfAny(StringStops);
                if (stop < 0)
                {
                    Capture(rest);
                    return chunk.Length;
                }

                Capture(rest[..stop]);
                i += stop;
                var b = chunk[i];
                if (b == '"')
                {
                    EndString();
                    return i + 1;
                }

                if (b != '\\')
                {
                    Fail("a control character must be escaped inside a string", i);
                    return i;
                }

                _captureEscaped = true;
                _escape = 1;
            }
            else if (_escape == 1)
            {
                var c = chunk[i];
                if (c == 'u')
                {
                    _escape = 2;
                }
                else if (c is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
                {
                    _escape = 0;
                }
                else
                {
                    Fail("invalid escape sequence in a string", i);
                    return i;
                }
            }
            else
            {
                if (!char.IsAsciiHexDigit((char)chunk[i]))
                {
                    Fail("\\u must be followed by four hex digits", i);
                    return i;
                }

                _escape = _escape == 5 ? 0 : _escape + 1;
            }

            Capture(chunk.Slice(i, 1));
            i++;
        }

        return i;
    }

    private void EndString()
    {
        var text = _capturing && !_captureOverflow ? DecodeCapturedString() : null;
        if (_inKey)
        {
            var parent = _paths[_depth - 1];
            var path = parent is null || text is null ? null : parent.Length == 0 ? text : parent + "." + text;
            _valuePath = path is not null && _watch.Matters(path) ? path : null;
            _state = State.Colon;
            return;
        }

        EndScalar(JsonValueKind.String, text, isInt64: false);
    }

    private bool StepNumber(byte b)
    {
        var digit = b is >= (byte)'0' and <= (byte)'9';
        var next = (_number, b) switch
        {
            (NumberState.Minus, (byte)'0') => NumberState.Zero,
            (NumberState.Minus, _) when digit => NumberState.Integer,
            (NumberState.Zero or NumberState.Integer, (byte)'.') => NumberState.FractionStart,
            (NumberState.Integer, _) when digit => NumberState.Integer,
            (NumberState.FractionStart or NumberState.Fraction, _) when digit => NumberState.Fraction,
            (NumberState.Zero or NumberState.Integer or NumberState.Fraction, (byte)'e' or (byte)'E') => NumberState.ExponentStart,
            (NumberState.ExponentStart, (byte)'+' or (byte)'-') => NumberState.ExponentSign,
            (NumberState.ExponentStart or NumberState.ExponentSign or NumberState.Exponent, _) when digit => NumberState.Exponent,
            _ => (NumberState?)null,
        };
        if (next is null)
        {
            return false;
        }

        _number = next.Value;
        return true;
    }

    private void EndNumber(int at)
    {
        if (_number is not (NumberState.Zero or NumberState.Integer or NumberState.Fraction or NumberState.Exponent))
        {
            Fail("incomplete number", at);
            return;
        }

        string? text = null;
        var isInt64 = false;
        if (_capturing && !_captureOverflow)
        {
            var literal = _capture.AsSpan(0, _captured);
            text = Encoding.ASCII.GetString(literal);
            isInt64 = Utf8Parser.TryParse(literal, out long _, out var consumed) && consumed == literal.Length;
        }

        EndScalar(JsonValueKind.Number, text, isInt64);
    }

    private void BeginCapture(bool capture)
    {
        _capturing = capture;
        _captured = 0;
        _captureOverflow = false;
        _captureEscaped = false;
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (!_capturing || _captureOverflow)
        {
            return;
        }

        if (_captured + bytes.Length > MaxCapture)
        {
            _captureOverflow = true;
            return;
        }

        bytes.CopyTo(_capture.AsSpan(_captured));
        _captured += bytes.Length;
    }

    // The string's value as JsonElement.GetString would give it; null when it cannot be transcoded.
    private string? DecodeCapturedString()
    {
        if (!_captureEscaped)
        {
            return Encoding.UTF8.GetString(_capture, 0, _captured);
        }

        var quoted = new byte[_captured + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        _capture.AsSpan(0, _captured).CopyTo(quoted.AsSpan(1));
        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.GetString();
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            return null;
        }
    }

    private void Fail(string reason, int at) => Error ??= $"{reason} ({Where(_offset + at)})";

    // 1-based, as editors count; a body on one line is "line 1, byte n".
    private string Where(long offset) => $"line {_line}, byte {offset - _lineStart + 1}";
}
