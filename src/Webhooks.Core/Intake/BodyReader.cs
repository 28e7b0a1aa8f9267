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
        var initial = (int)Math.Clamp(declaredLength ?? 4096, 256, Math.Min(maxBytes + 1, 1024 * 1024));
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
