using System.ComponentModel.DataAnnotations;

namespace Webhooks.DeadLetters;

/// <summary>How the store scans queues.</summary>
public sealed class DeadLetterStoreOptions
{
    /// <summary>The configuration section both hosts and the CLI bind these from.</summary>
    public const string SectionName = "Webhooks:DeadLetters";

    /// <summary>
    /// How long a scan hides the messages it received before releasing them. Must outlast the scan itself; while it
    /// runs, other scans (and the host, for the poison queue) do not see those messages. Default 60 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ScanVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most messages one scan holds per queue (bounds memory and time). Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxScanMessages { get; set; } = 10_000;

    /// <summary>
    /// Most messages one call moves from the dead-letter queue (records written before the index) and each poison
    /// queue into the index before it answers; the next call moves more. Default 1,000.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxImportPerCall { get; set; } = 1_000;

    /// <summary>Most rows a filtered stats call reads (filters other than source); beyond it the answer says Truncated. Default 200,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxStatsScan { get; set; } = 200_000;

    /// <summary>
    /// Replacements a replay queues at once (each send is a round trip; claims and deletes are batched per source).
    /// The rate (<see cref="ReplayOptions.RatePerSecond"/>) still spaces their starts. Default 32.
    /// </summary>
    [Range(1, 256)]
    public int ReplayConcurrency { get; set; } = 32;

    /// <summary>
    /// How often listing, show and stats look for new poison-queue (and older dead-letter-queue) messages to index:
    /// at most once per interval per store, and off the page's critical path. Replay, purge and export always look
    /// first. Zero: on every call. Default 5 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ImportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages released (made visible again) in parallel after a scan. Default 8.</summary>
    [Range(1, 64)]
    public int ReleaseConcurrency { get; set; } = 8;
}
