using System.Net;
using Webhooks.Delivery;

namespace Webhooks.Core.Tests.Delivery;

/// <summary>DNS played by the test: each lookup of a host returns the next answer in its script (the last one repeats).</summary>
internal sealed class FakeResolver : ITargetHostResolver
{
    private readonly Dictionary<string, Queue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Lookups { get; } = [];

    public FakeResolver Answer(string host, params string[][] answers)
    {
        _answers[host] = new Queue<IPAddress[]>(answers.Select(a => a.Select(IPAddress.Parse).ToArray()));
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        Lookups.Add(host);
        if (!_answers.TryGetValue(host, out var queue) || queue.Count == 0)
        {
            return Task.FromResult(Array.Empty<IPAddress>());
        }

        return Task.FromResult(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
    }
}
