using System.Text.Json.Serialization;

namespace Webhooks.DeadLetters;

/// <summary>Depth and age of one queue, read without receiving anything.</summary>
/// <param name="Role">deliveries, deadLetter or poison (see <see cref="QueueRoles"/>).</param>
/// <param name="Name">The queue's name.</param>
/// <param name="Exists">False when the queue has not been created (a poison queue appears only once the host poisons something).</param>
/// <param name="ApproximateCount">The service's approximate message count (includes invisible messages).</param>
/// <param name="OldestInsertedOn">When the first visible message was queued; null when none is visible.</param>
public sealed record QueueStats(string Role, string Name, bool Exists, int ApproximateCount, DateTimeOffset? OldestInsertedOn)
{
    /// <summary>Age of the first visible message (approximately the oldest: a Storage queue is only roughly FIFO).</summary>
    [JsonIgnore]
    public TimeSpan? OldestAge { get; init; }

    /// <summary><see cref="OldestAge"/> in seconds, for scripts and metrics.</summary>
    public double? OldestAgeSeconds => OldestAge?.TotalSeconds;
}

/// <summary>The roles the queues play.</summary>
public static class QueueRoles
{
    /// <summary>Accepted deliveries waiting for the worker.</summary>
    public const string Deliveries = "deliveries";

    /// <summary>Dead-letter records.</summary>
    public const string DeadLetter = "deadLetter";

    /// <summary>Messages the Functions host gave up on (<c>&lt;deliveries&gt;-poison</c>).</summary>
    public const string Poison = "poison";
}
