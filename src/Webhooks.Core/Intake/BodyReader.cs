using System.Buffers;

namespace Webhooks.Intake;

/// <summary>Reads a request body into memory, stopping as soon as it passes the limit (413 while streaming).</summary>
public static class BodyReader
{
    /// <summary>
    /// The body, or null when it is longer than <paramref name="maxBytes"/> (only <paramref name="maxBytes"/>+1 bytes
    /// are ever read, whatever the sender declared).
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long maxBytes, long? declaredLength, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(body, (int)Math.Min(maxBytes, int.MaxValue - 1), declaredLength, cancellationToken).ConfigureAwait(false);
        return head.IsComplete ? head.Bytes : null;
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/>+1 bytes: the whole body when it is at most <paramref name="limit"/>
    /// bytes long (<see cref="BodyHead.IsComplete"/>), otherwise its first <paramref name="limit"/>+1 bytes, with
    /// the rest left unread in <paramref name="body"/> for a caller that streams it.
    /// </summary>
    public static async Task<BodyHead> ReadHeadAsync(Stream body, int limit, long? declaredLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var capacity = limit + 1;
        var initial = (int)Math.Clamp(declaredLength ?? 4096, 256, Math.Min(capacity, 1024 * 1024));
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var length = 0;
        try
        {
            while (length < capacity)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, capacity));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, capacity) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new BodyHead(buffer.AsSpan(0, length).ToArray(), IsComplete: true);
                }

                length += read;
            }

            return new BodyHead(buffer.AsSpan(0, length).ToArray(), IsComplete: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>The start of a body: all of it when <paramref name="IsComplete"/>, otherwise the first bytes of a longer one.</summary>
public sealed record BodyHead(byte[] Bytes, bool IsComplete);
