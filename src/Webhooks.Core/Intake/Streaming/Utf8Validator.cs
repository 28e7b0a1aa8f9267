using System.Text;

namespace Webhooks.Intake.Streaming;

/// <summary>
/// Checks that a body streaming past in chunks is valid UTF-8, by the same strict rules as
/// <see cref="JsonBodyValidator"/> (no overlong forms, no encoded surrogates), with sequences split across chunks
/// carried over by the decoder. Holds one small scratch buffer, never the body.
/// </summary>
internal sealed class Utf8Validator
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Decoder _decoder = Strict.GetDecoder();
    private readonly char[] _scratch = new char[4096];

    /// <summary>False once an invalid sequence was seen.</summary>
    public bool IsValid { get; private set; } = true;

    /// <summary>Feeds the next chunk.</summary>
    public void Append(ReadOnlySpan<byte> chunk) => Decode(chunk, flush: false);

    /// <summary>The body ended; a sequence left incomplete makes it invalid.</summary>
    public void Complete() => Decode([], flush: true);

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        if (!IsValid)
        {
            return;
        }

        try
        {
            do
            {
                _decoder.Convert(bytes, _scratch, flush, out var used, out _, out _);
                bytes = bytes[used..];
            }
            while (!bytes.IsEmpty);
        }
        catch (DecoderFallbackException)
        {
            IsValid = false;
        }
    }
}
