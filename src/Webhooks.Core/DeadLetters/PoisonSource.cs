using Azure.Storage.Queues;

namespace Webhooks.DeadLetters;

/// <summary>A poison queue and the delivery queue whose messages the host moved there (where a replay sends them back).</summary>
/// <param name="Queue">The poison queue (<c>&lt;delivery queue&gt;-poison</c> by the host's convention).</param>
/// <param name="Origin">The delivery queue it belongs to.</param>
internal sealed record PoisonSource(QueueClient Queue, QueueClient Origin);
