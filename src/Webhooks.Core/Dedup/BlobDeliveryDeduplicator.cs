using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Payloads;

namespace Webhooks.Dedup;

/// <summary>
/// Duplicate detection with one small JSON blob per (source, delivery id), <c>dedup/&lt;source&gt;/&lt;sha256(id)&gt;</c>
/// in the payload container, written create-only (<c>If-None-Match: *</c>) so exactly one request, on any
/// instance, owns an id. Later writes are conditional on the ETag, so a confirm or release never clobbers a
/// claim someone else took over.
/// </summary>
/// <remarks>
/// A record counts for <see cref="IntakeOptions.DedupWindow"/> from its first receipt; after that it is ignored
/// and overwritten (the id is new again). A record still <c>pending</c> after
/// <see cref="IntakeOptions.DedupPendingTimeout"/> belonged to a claimant that crashed or lost storage before it
/// could confirm or release, and is taken over. Old blobs are removed by the payload container's lifecycle rule.
/// </remarks>
public sealed class BlobDeliveryDeduplicator(PayloadStore payloads, IOptionsMonitor<WebhooksOptions> options) : IDeliveryDeduplicator
{
    /// <summary>The blob name prefix of duplicate-detection records.</summary>
    public const string Prefix = "dedup/";

    // Create, read, take over: a few rounds settle any race between instances.
    private const int MaxRounds = 4;

    /// <summary>The record's blob name for <paramref name="source"/> and <paramref name="deliveryId"/>.</summary>
    public static string BlobName(string source, string deliveryId) =>
        Prefix + source.ToLowerInvariant() + "/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)));

    /// <inheritdoc />
    public async Task<DedupClaim> ClaimAsync(string source, string deliveryId, ReadOnlyMemory<byte> bodySha256, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var intake = options.CurrentValue.Intake;
        if (intake.DedupWindow <= TimeSpan.Zero)
        {
            return DedupClaim.Untracked;
        }

        await payloads.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var blob = payloads.Container.GetBlobClient(BlobName(source, deliveryId));
        var mine = DedupRecord.Pending(source, deliveryId, bodySha256.Span, receivedAt);

        for (var round = 0; round < MaxRounds; round++)
        {
            if (await TryWriteAsync(blob, mine, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken).ConfigureAwait(false) is { } created)
            {
                return new DedupClaim(DedupVerdict.New, null, new DedupTicket(blob.Name, created, mine));
            }

            var existing = await TryReadAsync(blob, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                continue; // released between our create and our read: try to create again
            }

            var (record, etag) = existing.Value;
            if (record is null || IsExpired(record, receivedAt, intake) || IsAbandoned(record, receivedAt, intake))
            {
                if (await TryWriteAsync(blob, mine, new BlobRequestConditions { IfMatch = new ETag(etag) }, cancellationToken).ConfigureAwait(false) is { } taken)
                {
                    return new DedupClaim(DedupVerdict.New, record, new DedupTicket(blob.Name, taken, mine));
                }

                continue; // someone else took it over first: look again
            }

            if (!string.Equals(record.BodySha256, mine.BodySha256, StringComparison.OrdinalIgnoreCase))
            {
                return new DedupClaim(DedupVerdict.Conflict, record, null);
            }

            return new DedupClaim(record.State == DedupStates.Queued ? DedupVerdict.Duplicate : DedupVerdict.InProgress, record, null);
        }

        return new DedupClaim(DedupVerdict.InProgress, null, null);
    }

    /// <inheritdoc />
    public async Task ConfirmAsync(DedupTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var queued = ticket.Record.AsQueued();

        // Lost to a take-over (we were too slow): the new owner decides; nothing to do.
        await TryWriteAsync(payloads.Container.GetBlobClient(ticket.BlobName), queued, new BlobRequestConditions { IfMatch = new ETag(ticket.ETag) }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(DedupTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        try
        {
            await payloads.Container.GetBlobClient(ticket.BlobName).DeleteIfExistsAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = new ETag(ticket.ETag) }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Taken over meanwhile: it is someone else's now.
        }
    }

    private static bool IsExpired(DedupRecord record, DateTimeOffset now, IntakeOptions intake) =>
        now - record.ReceivedAt >= intake.DedupWindow;

    private static bool IsAbandoned(DedupRecord record, DateTimeOffset now, IntakeOptions intake) =>
        record.State != DedupStates.Queued && now - record.ClaimedAt >= intake.DedupPendingTimeout;

    // The new ETag, or null when the condition failed (exists already, or changed since it was read).
    private static async Task<string?> TryWriteAsync(BlobClient blob, DedupRecord record, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, WebhooksJsonContext.Default.DedupRecord);
        try
        {
            var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" }, Conditions = conditions };
            var written = await blob.UploadAsync(new BinaryData(json), options, cancellationToken).ConfigureAwait(false);
            return written.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || (ex.Status == 404 && ex.ErrorCode == "BlobNotFound"))
        {
            return null;
        }
    }

    // The record (null when unreadable) and its ETag; null when the blob does not exist.
    private static async Task<(DedupRecord? Record, string ETag)?> TryReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        BlobDownloadResult download;
        try
        {
            download = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "BlobNotFound")
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize(download.Content.ToMemory().Span, WebhooksJsonContext.Default.DedupRecord);
            return (record is { DeliveryId.Length: > 0, BodySha256.Length: > 0 } ? record : null, download.Details.ETag.ToString());
        }
        catch (JsonException)
        {
            return (null, download.Details.ETag.ToString());
        }
    }
}
