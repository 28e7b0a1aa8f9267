using Webhooks.Envelopes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;

namespace Webhooks.Harness.Load;

/// <summary>Puts delivery envelopes on a queue directly, as intake would have, to give workers a backlog.</summary>
public static class Prefill
{
    /// <summary>An envelope for <paramref name="source"/> with a body of <paramref name="bodyBytes"/>.</summary>
    public static byte[] Envelope(string id, string source, int bodyBytes) => EnvelopeSerializer.Serialize(new DeliveryEnvelope
    {
        Id = id,
        Source = source,
        ReceivedAt = DateTimeOffset.UtcNow,
        ContentType = "application/json",
        Headers = new(StringComparer.OrdinalIgnoreCase) { ["webhook-id"] = id },
        Body = SamplePayloads.Json(bodyBytes, id),
    });

    /// <summary>Puts <paramref name="count"/> envelopes (ids <c>{prefix}-0…</c>) with <paramref name="concurrency"/> puts in flight.</summary>
    public static async Task PutAsync(QueueClient queue, string source, string idPrefix, int count, int bodyBytes, int concurrency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var message = Envelope($"{idPrefix}-{i}", source, bodyBytes);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await queue.SendMessageAsync(new BinaryData(message), timeToLive: StorageNames.NeverExpires, cancellationToken: ct);
                        return;
                    }
                    catch (Azure.RequestFailedException) when (attempt < 5)
                    {
                        await Task.Delay(200 * attempt, ct);
                    }
                }
            });
    }
}
