using Azure.Core;
using Azure.Core.Pipeline;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>
/// Loses the answer to the first request that matches once armed: the request goes to the server (which applies
/// it), then the response is dropped and an <see cref="IOException"/> raised, as when a connection breaks after the
/// write. The SDK's retry policy then sends the same request again. Installed per try (after the retry policy).
/// </summary>
internal sealed class LostAnswerPolicy(Func<Request, bool> matches) : HttpPipelinePolicy
{
    private int _armed;
    private int _dropped;

    /// <summary>How many answers were dropped.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Drop the answer of the next matching request (once).</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Drop(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Drop(message);
    }

    private void Drop(HttpMessage message)
    {
        if (matches(message.Request) && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Interlocked.Increment(ref _dropped);
            throw new IOException("Test: the answer was lost after the server applied the request.");
        }
    }
}
