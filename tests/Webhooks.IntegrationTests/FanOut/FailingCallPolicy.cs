using Azure.Core;
using Azure.Core.Pipeline;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// Fails every try of the first call whose request matches, before it reaches the server (as when storage cannot be
/// reached), so the SDK retries it and finally gives up; later calls pass. The SDK sends each try of one call as the
/// same <see cref="HttpMessage"/>, which is how the tries are told apart from a new call. Installed per try.
/// </summary>
internal sealed class FailingCallPolicy(Func<Request, bool> matches) : HttpPipelinePolicy
{
    private HttpMessage? _failing;
    private int _failed;

    /// <summary>How many tries were failed.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Fail(HttpMessage message)
    {
        if (Volatile.Read(ref _failing) is null && matches(message.Request))
        {
            Interlocked.CompareExchange(ref _failing, message, null);
        }

        if (ReferenceEquals(Volatile.Read(ref _failing), message))
        {
            Interlocked.Increment(ref _failed);
            throw new IOException("Test: storage could not be reached.");
        }
    }
}
