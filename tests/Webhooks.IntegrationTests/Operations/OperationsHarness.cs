using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>
/// Real Azurite queues (unique names per test), real loopback targets, and the real delivery engine
/// (<see cref="DeliveryProcessor"/> from <c>AddWebhookDelivery</c>) that writes the dead-letter records the
/// operations code reads. Sources: <c>members</c> (its target answers seed 004's 409) and <c>orders</c> (seed 002's 422).
/// </summary>
public sealed class OperationsHarness : IAsyncDisposable
{
    /// <summary>Seed 004's 409 answer.</summary>
    public const string Seed004Conflict =
        "{\"timestamp\":\"2026-01-01T10:00:00.000+0000\",\"path\":\"/api/v2/accounts\",\"status\":409,\"error\":\"Conflict\"," +
        "\"errorCode\":\"userEmailConflict\",\"message\":\"The email is already used within your gym or chain\",\"metadata\":{\"entity\":\"ACCOUNT\"}}";

    /// <summary>Seed 002's 422 answer.</summary>
    public const string Seed002Invalid =
        "{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"],\"amount\":[\"The amount must be greater than 0.\"]}}";

    private readonly ServiceProvider _services;

    private OperationsHarness(AzuriteFixture azurite, ScriptedTarget members, ScriptedTarget orders, ServiceProvider services, QueueNamesOptions names)
    {
        Azurite = azurite;
        Members = members;
        Orders = orders;
        _services = services;
        Names = names;
        Queues = services.GetRequiredService<WebhookQueues>();
        Payloads = services.GetRequiredService<Webhooks.Payloads.PayloadStore>();
        Processor = services.GetRequiredService<DeliveryProcessor>();
    }

    public AzuriteFixture Azurite { get; }

    /// <summary>The <c>members</c> source's target: 409 with seed 004's body until told otherwise.</summary>
    public ScriptedTarget Members { get; }

    /// <summary>The <c>orders</c> source's target: 422 with seed 002's body.</summary>
    public ScriptedTarget Orders { get; }

    public QueueNamesOptions Names { get; }

    public WebhookQueues Queues { get; }

    /// <summary>The claim-check store (Azurite blobs) the app's DI registers.</summary>
    public Webhooks.Payloads.PayloadStore Payloads { get; }

    /// <summary>The store as the app's DI builds it (<c>AddWebhookDeadLetters</c>: every queue, the payload store).</summary>
    public DeadLetterStore RegisteredStore => _services.GetRequiredService<DeadLetterStore>();

    public DeliveryProcessor Processor { get; }

    /// <summary>The CLI arguments that point at these queues.</summary>
    public string[] CliConnection =>
        ["--connection-string", Azurite.ConnectionString, "--deliveries-queue", Names.Deliveries, "--deadletter-queue", Names.DeadLetter];

    public static async Task<OperationsHarness> StartAsync(AzuriteFixture azurite, string prefix, int queueCount = 1)
    {
        var members = await ScriptedTarget.StartAsync();
        members.Default = TargetReply.Json(409, Seed004Conflict);
        var orders = await ScriptedTarget.StartAsync();
        orders.Default = TargetReply.Json(422, Seed002Invalid);
        var names = new QueueNamesOptions { Deliveries = UniqueNames.Queue(prefix), DeadLetter = UniqueNames.Queue(prefix + "-dlq"), Count = queueCount };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(azurite, members, orders, names)).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration);
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));
        services.AddWebhookStorage(configuration);
        services.AddWebhookDelivery();
        services.AddWebhookDeadLetters();
        var provider = services.BuildServiceProvider();
        var harness = new OperationsHarness(azurite, members, orders, provider, names);
        await harness.Queues.EnsureCreatedAsync();
        return harness;
    }

    /// <summary>This harness's settings (for the real host and for --config files).</summary>
    public Dictionary<string, string?> AppSettings => Settings(Azurite, Members, Orders, Names);

    /// <summary>The app settings these queues and sources use (for the real host and for --config files).</summary>
    public static Dictionary<string, string?> Settings(AzuriteFixture azurite, ScriptedTarget members, ScriptedTarget orders, QueueNamesOptions names) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Webhooks:Queues:Deliveries"] = names.Deliveries,
        ["Webhooks:Queues:DeadLetter"] = names.DeadLetter,
        ["Webhooks:Queues:Count"] = names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:Delivery:Enabled"] = "false",
        ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
        ["Webhooks:Sources:members:Verification"] = "standard-webhooks",
        ["Webhooks:Sources:members:Secrets:0"] = "whsec_bWVtYmVycy1zZWNyZXQtZm9yLXRlc3RzLTAxMjM0NTY3",
        ["Webhooks:Sources:members:Target:Url"] = members.Url.ToString(),
        ["Webhooks:Sources:orders:Verification"] = "github",
        ["Webhooks:Sources:orders:Secrets:0"] = "orders-github-secret",
        ["Webhooks:Sources:orders:Target:Url"] = orders.Url.ToString(),
    };

    /// <summary>An indexed store over this harness's queues and index table, as the hosts and the CLI build it.</summary>
    public DeadLetterStore CreateStore(TimeProvider? time = null, DeadLetterStoreOptions? options = null) =>
        new(Queues, IndexTable, time ?? TimeProvider.System, options, Payloads);

    /// <summary>The dead-letter index table of these queues.</summary>
    public Azure.Data.Tables.TableClient IndexTable =>
        _services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(DeadLetterStore.IndexTableName(Names.DeadLetter));

    /// <summary>A store that scans the queues (no index): what older versions did.</summary>
    public DeadLetterStore CreateQueueScanStore(TimeProvider? time = null) => new(Queues, time ?? TimeProvider.System);

    /// <summary>Queues a delivery as intake would and lets the real processor deliver it once; returns the envelope.</summary>
    public Task<DeliveryEnvelope> DeliverOnceAsync(string id, string source, string body = "{\"type\":\"member.created\",\"email\":\"a@example.com\"}") =>
        DeliverOnceAsync(Queues.Deliveries, id, source, body);

    /// <summary>As <see cref="DeliverOnceAsync(string, string, string)"/>, on a given delivery queue.</summary>
    public async Task<DeliveryEnvelope> DeliverOnceAsync(QueueClient queue, string id, string source, string body = "{\"type\":\"member.created\",\"email\":\"a@example.com\"}")
    {
        var envelope = new DeliveryEnvelope
        {
            Id = id,
            Source = source,
            ReceivedAt = DateTimeOffset.UtcNow,
            ContentType = "application/json",
            Headers = { ["webhook-id"] = id },
            Body = Encoding.UTF8.GetBytes(body),
        };
        await queue.SendMessageAsync(EnvelopeSerializer.Serialize(envelope), null, Timeout.InfiniteTimeSpan);
        await ProcessPendingAsync(queue);
        return envelope;
    }

    /// <summary>Puts raw text on the deliveries queue (an undecodable message) and processes it.</summary>
    public async Task DeliverRawAsync(string text)
    {
        await Queues.Deliveries.SendMessageAsync(Encoding.UTF8.GetBytes(text), null, Timeout.InfiniteTimeSpan);
        await ProcessPendingAsync();
    }

    /// <summary>Processes every visible message on the deliveries queue (queue 0 unless given) once; returns the outcomes.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> ProcessPendingAsync(QueueClient? queue = null)
    {
        queue ??= Queues.Deliveries;
        var outcomes = new List<DeliveryOutcome>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0)
            {
                return outcomes;
            }

            foreach (var message in batch)
            {
                outcomes.Add(await Processor.ProcessReceivedAsync(queue, message));
            }
        }
    }

    /// <summary>What the Functions host does when it gives up on a message: copies it to the poison queue.</summary>
    public Task PoisonAsync(string text) =>
        Queues.DeliveriesPoison.SendMessageAsync(Encoding.UTF8.GetBytes(text), null, Timeout.InfiniteTimeSpan);

    /// <summary>Dead-letter entries in the index (from its counters).</summary>
    public async Task<int> DeadLetterCountAsync() => (await CreateStore().StatsAsync()).Total;

    public async Task<int> CountAsync(QueueClient queue) => ((await queue.PeekMessagesAsync(32)).Value).Length;

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Members.DisposeAsync();
        await Orders.DisposeAsync();
    }
}
