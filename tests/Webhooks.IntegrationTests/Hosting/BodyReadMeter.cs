using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Webhooks.IntegrationTests.Hosting;

/// <summary>
/// Counts the request-body bytes the application itself reads, through the real pipeline (registered as the first
/// middleware), whatever the transport buffers or drains on its own.
/// </summary>
public sealed class BodyReadMeter : IStartupFilter
{
    private long _read;

    /// <summary>Bytes the app read from request bodies so far.</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    /// <inheritdoc />
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            context.Request.Body = new MeteredStream(context.Request.Body, this);
            await nextMiddleware(context);
        });
        next(app);
    };

    private sealed class MeteredStream(Stream inner, BodyReadMeter meter) : Stream
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

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            Interlocked.Add(ref meter._read, read);
            return read;
        }
    }
}
