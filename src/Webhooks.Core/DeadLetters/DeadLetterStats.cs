using System.Text.Json.Serialization;

namespace Webhooks.DeadLetters;

/// <summary>Counts over the dead-letter and poison queues.</summary>
public sealed record DeadLetterStats
{
    /// <summary>Entries counted (dead-letter records plus poisoned messages that matched).</summary>
    public int Total { get; init; }

    /// <summary>How many of them the Functions host poisoned.</summary>
    public int Poisoned { get; init; }

    /// <summary>Counts by source; <c>(unknown)</c> when the message could not be read.</summary>
    public IReadOnlyDictionary<string, int> BySource { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Counts by destination (fan-out); <c>none</c> for entries without one (records from before fan-out, unreadable
    /// messages, deliveries that stopped before they were fanned out).
    /// </summary>
    public IReadOnlyDictionary<string, int> ByDestination { get; init; } = new Dictionary<string, int>();

    /// <summary>Counts by reason.</summary>
    public IReadOnlyDictionary<string, int> ByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>Counts by the target's final status; <c>none</c> when it never answered.</summary>
    public IReadOnlyDictionary<string, int> ByStatus { get; init; } = new Dictionary<string, int>();

    /// <summary>Counts by the target's error code; <c>none</c> when there was none.</summary>
    public IReadOnlyDictionary<string, int> ByErrorCode { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// How the counts were made: <c>counters</c> (kept by the index with every write and delete, for no filter or a
    /// source filter), <c>scan</c> (matching rows read), or <c>queueScan</c> (a store without an index).
    /// </summary>
    public string CountedBy { get; init; } = "queueScan";

    /// <summary>True when the counts cover only part of the matching entries (a scan stopped at its limit); more exist.</summary>
    public bool Truncated { get; init; }

    /// <summary>
    /// When the oldest counted entry was dead-lettered. From counters: the oldest ever counted while the source had
    /// entries, so after a partial purge it can be older than every entry left.
    /// </summary>
    public DateTimeOffset? Oldest { get; init; }

    /// <summary>How long ago that was.</summary>
    [JsonIgnore]
    public TimeSpan? OldestAge { get; init; }

    /// <summary><see cref="OldestAge"/> in seconds, for scripts.</summary>
    public double? OldestAgeSeconds => OldestAge?.TotalSeconds;
}
