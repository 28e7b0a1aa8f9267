using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// Records every try that goes on towards the server (method, path and, for a copy write, its destination).
/// Installed per try after the test's failure policies, so a try they failed before sending is not recorded.
/// </summary>
internal sealed class SentRequests(string deliveriesQueue) : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<Sent> _sent = new();

    /// <summary>Tries of copy writes, by the destination each carried.</summary>
    public IReadOnlyList<string> CopyWrites => [.. _sent.Where(s => s.Destination is not null).Select(s => s.Destination!).Order(StringComparer.Ordinal)];

    /// <summary>Tries that deleted the message <paramref name="messageId"/>.</summary>
    public int DeletesOf(string messageId) =>
        _sent.Count(s => s.Method == RequestMethod.Delete && s.Path.EndsWith($"/{deliveriesQueue}/messages/{messageId}", StringComparison.Ordinal));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(Request request) =>
        _sent.Enqueue(new Sent(request.Method, request.Uri.Path, FanOut.CopyWrites.DestinationOf(request, deliveriesQueue)));

    public sealed record Sent(RequestMethod Method, string Path, string? Destination);
}
