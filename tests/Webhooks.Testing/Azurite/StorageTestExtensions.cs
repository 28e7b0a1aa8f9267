using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;

namespace Webhooks.Testing.Azurite;

/// <summary>Short forms of the SDK calls the tests make to arrange and inspect storage.</summary>
public static class StorageTestExtensions
{
    /// <summary>Sends <paramref name="message"/> as this app does: base64 on the wire (the client's encoding), never expiring.</summary>
    public static async Task<SendReceipt> SendMessageAsync(this QueueClient queue, byte[] message, CancellationToken cancellationToken = default) =>
        (await queue.SendMessageAsync(new BinaryData(message), null, StorageNames.NeverExpires, cancellationToken)).Value;

    /// <summary>Sends <paramref name="message"/> with a visibility delay; a time-to-live of <see cref="Timeout.InfiniteTimeSpan"/> means never expire.</summary>
    public static async Task<SendReceipt> SendMessageAsync(this QueueClient queue, byte[] message, TimeSpan? visibilityTimeout, TimeSpan? timeToLive, CancellationToken cancellationToken = default) =>
        (await queue.SendMessageAsync(new BinaryData(message), visibilityTimeout, timeToLive == Timeout.InfiniteTimeSpan ? StorageNames.NeverExpires : timeToLive, cancellationToken)).Value;

    /// <summary>Names of the blobs whose name starts with <paramref name="prefix"/>.</summary>
    public static async Task<IReadOnlyList<string>> GetBlobNamesAsync(this BlobContainerClient container, string? prefix = null, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken))
            {
                names.Add(blob.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container: no blobs.
        }

        return names;
    }

    /// <summary>Names of the queues that start with <paramref name="prefix"/>.</summary>
    public static async Task<IReadOnlyList<string>> ListQueuesAsync(this QueueServiceClient service, string? prefix = null, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var queue in service.GetQueuesAsync(prefix: prefix, cancellationToken: cancellationToken))
        {
            names.Add(queue.Name);
        }

        return names;
    }
}
