using System.Text;

namespace Webhooks.Queuing;

/// <summary>
/// Chooses one of several delivery queues: the same partition key always maps to the same queue (a stable hash,
/// the same on every instance and after restarts); deliveries without a key are spread round-robin.
/// </summary>
public sealed class QueuePartitioner
{
    private int _next = -1;

    /// <summary>The queue index in [0, <paramref name="count"/>) for <paramref name="partitionKey"/>.</summary>
    public int Choose(string? partitionKey, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == 1)
        {
            return 0;
        }

        return partitionKey is null
            ? (int)((uint)Interlocked.Increment(ref _next) % (uint)count)
            : (int)(StableHash(partitionKey) % (uint)count);
    }

    /// <summary>FNV-1a over the key's UTF-8 bytes: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static uint StableHash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        const uint OffsetBasis = 2166136261;
        const uint Prime = 16777619;
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * Prime);
        }

        return hash;
    }
}
