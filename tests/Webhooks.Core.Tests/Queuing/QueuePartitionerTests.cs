using Webhooks.Queuing;

namespace Webhooks.Core.Tests.Queuing;

public sealed class QueuePartitionerTests
{
    [Fact]
    public void WithoutAKey_DeliveriesAreSpreadRoundRobin()
    {
        var partitioner = new QueuePartitioner();

        var chosen = Enumerable.Range(0, 8).Select(_ => partitioner.Choose(null, 4)).ToList();

        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], chosen);
    }

    [Fact]
    public void TheSameKey_AlwaysGoesToTheSameQueue_OnEveryInstance()
    {
        var first = new QueuePartitioner();
        var second = new QueuePartitioner();

        foreach (var key in new[] { "cus_1", "cus_2", "42", "Zoë" })
        {
            var expected = first.Choose(key, 4);
            Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(expected, second.Choose(key, 4)));
        }
    }

    [Fact]
    public void Keys_AreSpreadOverEveryQueue()
    {
        var partitioner = new QueuePartitioner();

        var used = Enumerable.Range(0, 200).Select(i => partitioner.Choose($"customer-{i}", 4)).ToHashSet();

        Assert.Equal([0, 1, 2, 3], used.Order());
    }

    [Fact]
    public void StableHash_IsFnv1aOfTheUtf8Bytes()
    {
        // Published FNV-1a 32-bit test vectors.
        Assert.Equal(0x811c9dc5u, QueuePartitioner.StableHash(string.Empty));
        Assert.Equal(0xe40c292cu, QueuePartitioner.StableHash("a"));
        Assert.Equal(0xbf9cf968u, QueuePartitioner.StableHash("foobar"));
    }

    [Fact]
    public void OneQueue_IsAlwaysIndexZero()
    {
        Assert.Equal(0, new QueuePartitioner().Choose("anything", 1));
    }
}
