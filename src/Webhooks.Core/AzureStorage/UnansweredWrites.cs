using Azure.Core;
using Azure.Core.Pipeline;

namespace Webhooks.AzureStorage;

/// <summary>
/// Counts, for the calls made inside <see cref="Track"/>, the tries whose answer was lost (no response, or a 5xx
/// other than 503) before the SDK retried them. A queue write is not idempotent (queues cannot deduplicate): every
/// such try may have landed, so the count is exactly how many extra copies a write may have left. Installed per try
/// on the queue clients <see cref="WebhookStorage"/> builds; calls outside a scope are passed through untouched.
/// </summary>
public sealed class UnansweredWrites : HttpPipelinePolicy
{
    private const string PropertyName = "Webhooks.UnansweredWrites";

    /// <summary>The one instance (the policy keeps no state; the tally rides on each message).</summary>
    public static UnansweredWrites Instance { get; } = new();

    /// <summary>
    /// Counts into <paramref name="tally"/> every try of the storage calls started before the scope is disposed
    /// (the scope flows with the async context). A <paramref name="networkTimeout"/> replaces the client's per-try
    /// timeout for those calls: work off intake's clock waits longer before giving up on an answer.
    /// </summary>
    public static IDisposable Track(Tally tally, TimeSpan? networkTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(tally);
        tally.NetworkTimeout = networkTimeout;
        return HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?> { [PropertyName] = tally });
    }

    /// <summary>
    /// Gives the queue calls started before the scope is disposed a per-try network timeout of
    /// <paramref name="networkTimeout"/> instead of the client's (intake's budget): dead-letter work is not on
    /// intake's clock, and on a loaded account it should slow down rather than fail.
    /// </summary>
    public static IDisposable Patient(TimeSpan networkTimeout) => Track(new Tally(), networkTimeout);

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var tally = Start(message);
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception) when (tally is not null && !message.CancellationToken.IsCancellationRequested)
        {
            tally.Lost();
            throw;
        }

        Finish(message, tally);
    }

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var tally = Start(message);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception) when (tally is not null && !message.CancellationToken.IsCancellationRequested)
        {
            tally.Lost();
            throw;
        }

        Finish(message, tally);
    }

    private static Tally? Start(HttpMessage message)
    {
        if (!message.TryGetProperty(PropertyName, out var value) || value is not Tally tally)
        {
            return null;
        }

        tally.Tried();
        if (tally.NetworkTimeout is { } timeout)
        {
            message.NetworkTimeout = timeout;
        }

        return tally;
    }

    // 503 (server busy) is a refusal: nothing was written. Other 5xx (500 operation timed out, gateways) may have been.
    private static void Finish(HttpMessage message, Tally? tally)
    {
        if (tally is not null && message.HasResponse && message.Response.Status >= 500 && message.Response.Status != 503)
        {
            tally.Lost();
        }
    }

    /// <summary>The tries of the calls of one scope. Thread-safe.</summary>
    public sealed class Tally
    {
        private int _tries;
        private int _lost;

        /// <summary>Tries made, first ones included.</summary>
        public int Tries => Volatile.Read(ref _tries);

        /// <summary>Tries whose answer was lost: each may have been applied by the service.</summary>
        public int LostAnswers => Volatile.Read(ref _lost);

        internal TimeSpan? NetworkTimeout { get; set; }

        internal void Tried() => Interlocked.Increment(ref _tries);

        internal void Lost() => Interlocked.Increment(ref _lost);
    }
}
