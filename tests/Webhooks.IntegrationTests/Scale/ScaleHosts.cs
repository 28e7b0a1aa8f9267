using System.Security.Cryptography;
using System.Text;
using Webhooks.IntegrationTests.Hosting;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Scale;

/// <summary>
/// Names shared by every host of one test — intake instances (the real Server host) and delivery workers — so they
/// behave as instances of one deployment on one storage account.
/// </summary>
internal sealed class ScaleHosts(AzuriteFixture azurite)
{
    public const string Source = "shop";

    public string Deliveries { get; } = UniqueNames.Queue("scale");

    public string DeadLetter { get; } = UniqueNames.Queue("scale-dlq");

    public string Payloads { get; } = UniqueNames.Queue("payloads");

    public BlobContainerClient Container => azurite.CreateBlobServiceClient().GetBlobContainerClient(Payloads);

    /// <summary>An intake instance; delivery off (workers run separately, as in a split deployment).</summary>
    public WebhooksHostFactory Intake(int queueCount = 1, string? partitionKey = null, long? maxBodyBytes = null, int? maxConcurrentLargeBodies = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = Deliveries,
            ["Webhooks:Queues:DeadLetter"] = DeadLetter,
            ["Webhooks:Queues:Payloads"] = Payloads,
            ["Webhooks:Queues:Count"] = queueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Intake:QueueWriteTimeout"] = "00:00:10",
            [$"Webhooks:Sources:{Source}:Verification"] = "standard-webhooks",
            [$"Webhooks:Sources:{Source}:Secrets:0"] = SignedRequests.Secret,
        };
        if (partitionKey is not null)
        {
            settings[$"Webhooks:Sources:{Source}:PartitionKey"] = partitionKey;
        }

        if (maxConcurrentLargeBodies is not null)
        {
            settings["Webhooks:Intake:MaxConcurrentLargeBodies"] = maxConcurrentLargeBodies.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (maxBodyBytes is not null)
        {
            settings[$"Webhooks:Sources:{Source}:MaxBodyBytes"] = maxBodyBytes.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new WebhooksHostFactory(settings);
    }

    public void Configure(Configuration.WebhooksOptions options, int queueCount = 1)
    {
        options.Queues.Deliveries = Deliveries;
        options.Queues.DeadLetter = DeadLetter;
        options.Queues.Payloads = Payloads;
        options.Queues.Count = queueCount;
    }

    /// <summary>A JSON body of exactly <paramref name="length"/> bytes with random (incompressible) content.</summary>
    public static byte[] JsonBody(int length, string id)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"file.uploaded\",\"id\":\"{id}\",\"data\":\"");
        var tail = "\"}"u8.ToArray();
        var padding = Convert.ToBase64String(RandomNumberGenerator.GetBytes(length))[..(length - head.Length - tail.Length)];
        return [.. head, .. Encoding.ASCII.GetBytes(padding), .. tail];
    }
}
