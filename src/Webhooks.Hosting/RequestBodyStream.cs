namespace Webhooks.Hosting;

/// <summary>
/// The request body as intake reads it: reads never pass a cancellation token to Kestrel. Kestrel ends a pending read
/// itself when the sender goes away (an <see cref="IOException"/>) or is too slow (its minimum data rate); a read
/// cancelled through <c>RequestAborted</c> instead leaves Kestrel's body reader "in progress", and its automatic
/// draining then logs an error ("Reading is already in progress") for what is only the sender's reset.
/// </summary>
internal sealed class RequestBodyStream(Stream body) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        body.ReadAsync(buffer, CancellationToken.None);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        body.ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => body.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
