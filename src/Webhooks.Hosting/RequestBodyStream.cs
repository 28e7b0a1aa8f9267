using Webhooks.Intake.Streaming;

namespace Webhooks.Hosting;

/// <summary>
/// The request body as intake reads it: reads never pass a cancellation token to Kestrel. Kestrel ends a pending read
/// itself when the sender goes away (an <see cref="IOException"/>) or is too slow (its minimum data rate); a read
/// cancelled through <c>RequestAborted</c> instead leaves Kestrel's body reader "in progress", and its automatic
/// draining then logs an error ("Reading is already in progress") for what is only the sender's reset.
/// </summary>
internal sealed class RequestBodyStream(Stream body) : ReadOnlyStream
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        body.ReadAsync(buffer, CancellationToken.None);

    public override int Read(byte[] buffer, int offset, int count) => body.Read(buffer, offset, count);
}
