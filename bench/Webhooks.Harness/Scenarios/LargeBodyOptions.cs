using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;

namespace Webhooks.Harness.Scenarios;

/// <summary>Settings of a large-body (claim-check) run. Defaults are the recorded run.</summary>
/// <param name="Count">Large deliveries sent.</param>
/// <param name="Concurrency">Intake requests in flight at once.</param>
/// <param name="BodyBytes">Each body's size. Default 25 MiB, the product's default per-source limit.</param>
public sealed record LargeBodyOptions(int Count = 24, int Concurrency = 4, int BodyBytes = LargeBodyOptions.DefaultBodyBytes)
{
    /// <summary>25 MiB (26,214,400 bytes): <c>Webhooks:Intake:DefaultMaxBodyBytes</c>, GitHub's limit.</summary>
    public const int DefaultBodyBytes = 25 * 1024 * 1024;

    /// <summary>
    /// The upload block the host is configured with (<c>Webhooks:Intake:PayloadBlockBytes</c>), the buffer each
    /// large request holds. Default: the product's default (4 MiB).
    /// </summary>
    public int BlockBytes { get; init; } = new Webhooks.Configuration.IntakeOptions().PayloadBlockBytes;

    /// <summary>Small (1 KiB) deliveries sent and delivered before the baseline, to start connections, JIT and pools.</summary>
    public int WarmupDeliveries { get; init; } = 5;

    /// <summary>How long the idle host is sampled for the baseline.</summary>
    public TimeSpan BaselineDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Time between RSS samples.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait for one intake request (upload, staging and the 202).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest time for sending all <see cref="Count"/> deliveries.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait, after sending, for the target to have received every accepted delivery with 2xx.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes arriving at intake at once: <see cref="Concurrency"/> × <see cref="BodyBytes"/>.</summary>
    public long InFlightBytes => (long)Concurrency * BodyBytes;

    /// <summary>The buffers intake holds for them: <see cref="Concurrency"/> × <see cref="BlockBytes"/>.</summary>
    public long BufferBytes => (long)Concurrency * BlockBytes;

    /// <summary>Throws when a setting cannot make a meaningful run.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 1, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));

        // Only a body larger than a queue message takes the claim-check path this run is about (the host holds
        // up to 48 KiB of envelope inline); anything at or below 64 KiB could still travel in the message.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BodyBytes, StorageNames.MaxMessageBytes, nameof(BodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockBytes, 64 * 1024, nameof(BlockBytes));
    }
}
