using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.Functions.Tests;

/// <summary>
/// <see cref="DeliverWebhook"/> against Azurite and a real loopback target: the function returns once the engine
/// has settled the delivery (so the host's delete of the trigger message loses nothing), writes requeues to the queue
/// the message came from, and lets only unexpected failures escape, so the host's dequeue count and poison queue apply.
/// </summary>
public sealed class DeliverWebhookTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Body = "{\"type\":\"invoice.paid\",\"data\":{\"amount\":12.50,\"name\":\"Zoë\"}}";
    private readonly string _deliveries = UniqueNames.Queue("fndeliver");
    private ScriptedTarget _target = null!;

    public async Task InitializeAsync()
    {
        _target = await ScriptedTarget.StartAsync();
        var queues = new QueueServiceClient(azurite.ConnectionString);
        foreach (var name in new[] { _deliveries, _deliveries + "-1", _deliveries + "-dlq" })
        {
            await queues.GetQueueClient(name).CreateIfNotExistsAsync();
        }
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Target2xx_Returns_AfterTheTargetGotTheBodyByteForByte_AndNothingIsRequeued()
    {
        await using var host = Host(azurite.ConnectionString);
        var envelope = Envelope();

        await Function(host).Run(Message(envelope), CancellationToken.None);

        var call = Assert.Single(_target.Requests);
        Assert.Equal(Encoding.UTF8.GetBytes(Body), call.Body);
        Assert.Equal(envelope.Id, call.Header("Idempotency-Key"));
        Assert.Empty(await PeekAsync(_deliveries));
        Assert.Empty(await PeekAsync(_deliveries + "-dlq"));
    }

    [Fact]
    public async Task Target503_OnQueue1_RequeuesACopyOnQueue1_WithTheAttemptCounted()
    {
        _target.Default = TargetReply.Of(503);
        await using var host = Host(azurite.ConnectionString);
        var envelope = Envelope();

        await Function(host).Run1(Message(envelope), CancellationToken.None);

        Assert.Empty(await PeekAsync(_deliveries));
        var requeued = await WaitForMessageAsync(_deliveries + "-1");
        var copy = EnvelopeSerializer.Deserialize(requeued);
        Assert.Equal(envelope.Id, copy.Id);
        Assert.Equal(1, copy.Attempt);
        Assert.Equal(503, Assert.Single(copy.Attempts).Status);
    }

    [Fact]
    public async Task Target422_WritesTheDeadLetterRecordBeforeReturning_WithTheTargetsReason()
    {
        _target.Default = TargetReply.Json(422, "{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"]}}");
        await using var host = Host(azurite.ConnectionString);
        var envelope = Envelope();

        await Function(host).Run(Message(envelope), CancellationToken.None);

        // Dead letters live in the index table (docs/operations.md); read them as the admin API and CLI do.
        var store = DeadLetterStore.Create(
            new QueueServiceClient(azurite.ConnectionString),
            new TableServiceClient(azurite.ConnectionString),
            new QueueNamesOptions { Deliveries = _deliveries, DeadLetter = _deliveries + "-dlq" });
        var entry = await store.GetAsync(envelope.Id);
        Assert.NotNull(entry);
        Assert.Equal(DeadLetterReasons.TargetRejected, entry.Record.Reason);
        Assert.Equal(422, entry.Record.FinalStatus);
        Assert.Equal(envelope.Id, entry.Record.Envelope!.Id);
        Assert.Empty(await PeekAsync(_deliveries));
    }

    [Fact]
    public async Task StorageUnreachable_WhenTheOutcomeMustBeWritten_Throws_SoTheHostRetriesAndFinallyPoisons()
    {
        _target.Default = TargetReply.Of(503);
        var closedPort = FreePorts.Take(1)[0];
        var unreachable = azurite.ConnectionString.Replace($":{azurite.QueuePort}/", $":{closedPort}/", StringComparison.Ordinal);
        await using var host = Host(unreachable);

        await Assert.ThrowsAnyAsync<Exception>(() => Function(host).Run(Message(Envelope()), CancellationToken.None));

        Assert.Single(_target.Requests);
    }

    [Fact]
    public async Task FanOut_OnQueue1_WritesOneMessagePerMatchingDestinationThere_EachThenDeliveredToItsOwnTarget()
    {
        await using var audit = await ScriptedTarget.StartAsync();
        await using var host = Host(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Destinations:billing:Url"] = _target.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:billing:Filter:type"] = "invoice.*",
            ["Webhooks:Sources:shop:Destinations:crm:Url"] = new Uri(_target.BaseUri, "/crm").ToString(),
            ["Webhooks:Sources:shop:Destinations:crm:Filter:type"] = "customer.*",
            ["Webhooks:Sources:shop:Destinations:audit:Url"] = audit.Url.ToString(),
        });
        var envelope = Envelope();

        await Function(host).Run1(Message(envelope), CancellationToken.None);

        Assert.Empty(_target.Requests); // the fan-out calls nobody
        Assert.Empty(await PeekAsync(_deliveries));
        var queue1 = new QueueClient(azurite.ConnectionString, _deliveries + "-1", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var copies = (await queue1.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(["audit", "billing"], copies.Select(c => EnvelopeSerializer.Deserialize(c.Body.ToArray()).Destination).Order());

        foreach (var copy in copies)
        {
            await Function(host).Run1(copy.Body, CancellationToken.None);
        }

        var toBilling = Assert.Single(_target.Requests);
        Assert.Equal(("/hooks", $"{envelope.Id}:billing"), (toBilling.PathAndQuery, toBilling.Header("Idempotency-Key")));
        Assert.Equal(Encoding.UTF8.GetBytes(Body), toBilling.Body);
        var toAudit = Assert.Single(audit.Requests);
        Assert.Equal($"{envelope.Id}:audit", toAudit.Header("Idempotency-Key"));
        Assert.Equal(Encoding.UTF8.GetBytes(Body), toAudit.Body);
        Assert.Empty(await PeekAsync(_deliveries + "-dlq"));
    }

    private FunctionsHost Host(string connectionString, IReadOnlyDictionary<string, string?>? destinations = null)
    {
        var settings = Settings(connectionString);
        if (destinations is not null)
        {
            settings.Remove("Webhooks:Sources:shop:Target:Url");
            foreach (var (key, value) in destinations)
            {
                settings[key] = value;
            }
        }

        return new FunctionsHost(settings);
    }

    private Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["Webhooks:Queues:Deliveries"] = _deliveries,
        ["Webhooks:Queues:Count"] = "2",
        ["Webhooks:Queues:DeadLetter"] = _deliveries + "-dlq",
        ["Webhooks:Queues:Payloads"] = _deliveries + "-payloads",
        ["Webhooks:Delivery:Enabled"] = "false",
        ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
        ["Webhooks:Delivery:BaseDelay"] = "00:00:01",
        ["Webhooks:Delivery:MaxDelay"] = "00:00:01",
        ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
        ["Webhooks:Sources:shop:Secrets:0"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ["Webhooks:Sources:shop:Target:Url"] = _target.Url.ToString(),
    };

    private static DeliverWebhook Function(FunctionsHost host) => ActivatorUtilities.CreateInstance<DeliverWebhook>(host.Services);

    private static DeliveryEnvelope Envelope() => new()
    {
        Id = "dlv_" + Guid.NewGuid().ToString("N"),
        Source = "shop",
        ReceivedAt = DateTimeOffset.UtcNow,
        ContentType = "application/json",
        Body = Encoding.UTF8.GetBytes(Body),
    };

    // What the host hands the function: the message text, base64-decoded.
    private static BinaryData Message(DeliveryEnvelope envelope) => BinaryData.FromBytes(EnvelopeSerializer.Serialize(envelope));

    private async Task<List<byte[]>> PeekAsync(string queueName)
    {
        var queue = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var peeked = await queue.PeekMessagesAsync(32);
        return [.. peeked.Value.Select(m => m.Body.ToArray())];
    }

    // A requeue is invisible for its backoff (1 s here), so it is waited for rather than peeked at once.
    private async Task<byte[]> WaitForMessageAsync(string queueName)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var messages = await PeekAsync(queueName);
            if (messages.Count > 0)
            {
                return Assert.Single(messages);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Nothing arrived on {queueName} within 20 s.");
    }
}
