using System.Text;

namespace Webhooks.Core.Tests.Intake;

/// <summary>
/// A JSON body of any length produced on the fly — <c>{…prefix fields…,"pad":"xxxx…"}</c> — without ever existing
/// in memory, completing every read synchronously, and counting what the reader took.
/// </summary>
internal sealed class GeneratedJsonStream(string prefixFields, long length) : Stream
{
    private readonly byte[] _head = Encoding.UTF8.GetBytes("{" + prefixFields + ",\"pad\":\"");
    private readonly byte[] _tail = "\"}"u8.ToArray();
    private long _position;

    public long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The whole body, for tests that need it to sign or compare (small lengths only).</summary>
    public static byte[] Materialize(string prefixFields, long length)
    {
        using var stream = new GeneratedJsonStream(prefixFields, length);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < length)
        {
            buffer[written++] = ByteAt(_position++);
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private byte ByteAt(long position) =>
        position < _head.Length ? _head[position]
        : position >= length - _tail.Length ? _tail[position - (length - _tail.Length)]
        : (byte)'x';
}
