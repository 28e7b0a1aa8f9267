using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>
/// The delivery engine as a host registers it (AddWebhookStorage + AddWebhookDelivery), against a private Azurite
/// and fresh queues, with one source "shop" whose target is the given URL, and fast test timings.
/// </summary>
internal sealed class DeliveryHost : IAsyncDisposable
{
    public const string Source = "shop";

    private readonly ServiceProvider _services;

    private DeliveryHost(ServiceProvider services)
    {
        _services = services;
        Queues = services.GetRequiredService<WebhookQueues>();
        Processor = services.GetRequiredService<DeliveryProcessor>();
        Pauses = services.GetRequiredService<TargetPauseRegistry>();
        Payloads = services.GetRequiredService<Webhooks.Payloads.PayloadStore>();
        PauseTable = services.GetRequiredService<Azure.Data.Tables.TableServiceClient>()
            .GetTableClient(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhooksOptions>>().Value.Queues.Pauses);
    }

    /// <summary>The shared pause table this host uses.</summary>
    public Azure.Data.Tables.TableClient PauseTable { get; }

    /// <summary>Keeps the queues and the pause table when disposed, for a second or restarted host over the same storage.</summary>
    public bool KeepStorage { get; set; }

    public Webhooks.Payloads.PayloadStore Payloads { get; }

    public WebhookQueues Queues { get; }

    public DeliveryProcessor Processor { get; }

    public TargetPauseRegistry Pauses { get; }

    // register: made before the engine's registrations, which keep them (a QueueServiceClient with a test's pipeline
    // policies, an extra logger provider).
    public static async Task<DeliveryHost> CreateAsync(
        AzuriteFixture azurite, Uri targetUrl, ITestOutputHelper output, Action<WebhooksOptions>? configure = null, Action<IServiceCollection>? register = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output)));
        services.Configure<WebhooksOptions>(options =>
        {
            options.Queues.Deliveries = UniqueNames.Queue("deliveries");
            options.Queues.DeadLetter = UniqueNames.Queue("deadletter");
            options.Queues.Pauses = UniqueNames.Table("pauses");
            options.Delivery.PauseRefreshInterval = TimeSpan.Zero;
            options.Delivery.AllowPrivateNetworkTargets = true;
            options.Delivery.BaseDelay = TimeSpan.FromMilliseconds(100);
            options.Delivery.MaxDelay = TimeSpan.FromSeconds(5);
            options.Delivery.Jitter = "none";
            options.Delivery.Timeout = TimeSpan.FromSeconds(5);
            options.Delivery.VisibilityTimeout = TimeSpan.FromSeconds(10);
            options.Delivery.MaxPollingInterval = TimeSpan.FromMilliseconds(250);
            options.Delivery.ShutdownGracePeriod = TimeSpan.FromSeconds(1);
            options.Delivery.PauseProbeInterval = TimeSpan.FromMinutes(1);
            options.Delivery.BatchSize = 16;
            options.Delivery.MaxConcurrency = 8;
            options.Sources[Source] = new SourceOptions { Target = { Url = targetUrl.AbsoluteUri } };
            configure?.Invoke(options);
        });
        register?.Invoke(services);
        services.AddWebhookStorage(configuration);
        services.AddWebhookDelivery();

        var host = new DeliveryHost(services.BuildServiceProvider());
        await host.Queues.EnsureCreatedAsync();
        return host;
    }

    /// <summary>A new worker each time, as a fresh process would have (the pause registry is shared).</summary>
    public DeliveryWorker CreateWorker() =>
        ActivatorUtilities.CreateInstance<DeliveryWorker>(_services);

    /// <summary>The worker the host would run.</summary>
    public DeliveryWorker RegisteredWorker => _services.GetServices<IHostedService>().OfType<DeliveryWorker>().Single();

    public static DeliveryEnvelope Envelope(string id, string body = """{"type":"member.created","email":"ana@example.com"}""") => new()
    {
        Id = id,
        Source = Source,
        ReceivedAt = DateTimeOffset.UtcNow,
        ContentType = "application/json; charset=utf-8",
        Headers = { ["webhook-id"] = id, ["x-event-type"] = "member.created" },
        Body = Encoding.UTF8.GetBytes(body),
    };

    public Task EnqueueAsync(DeliveryEnvelope envelope) =>
        Queues.Deliveries.SendMessageAsync(EnvelopeSerializer.Serialize(envelope), null, Timeout.InfiniteTimeSpan);

    public async Task<int> CountAsync(QueueClient queue) => ((await queue.GetPropertiesAsync()).Value).ApproximateMessagesCount;

    public async Task<IReadOnlyList<DeadLetterRecord>> WaitForDeadLettersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var peeked = (await Queues.DeadLetter.PeekMessagesAsync(StorageNames.MaxMessagesPerCall)).Value;
            if (peeked.Length >= count)
            {
                return peeked.Select(m => JsonSerializer.Deserialize(m.Body.ToMemory().Span, WebhooksJsonContext.Default.DeadLetterRecord)!).ToList();
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{peeked.Length} dead letters after {timeout}, expected {count}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the queue holds no message at all (visible or not).</summary>
    public async Task WaitUntilEmptyAsync(QueueClient queue, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (await CountAsync(queue) > 0)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{queue.Name} still holds {await CountAsync(queue)} messages after {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the queue holds at least <paramref name="count"/> messages.</summary>
    public async Task WaitUntilCountAsync(QueueClient queue, int count, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (await CountAsync(queue) < count)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{queue.Name} holds {await CountAsync(queue)} messages after {timeout}, expected {count}.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (KeepStorage)
        {
            await _services.DisposeAsync();
            return;
        }

        try
        {
            await PauseTable.DeleteAsync();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // no pause ever created it
        }
        await Queues.Deliveries.DeleteIfExistsAsync();
        await Queues.DeadLetter.DeleteIfExistsAsync();
        await Queues.DeliveriesPoison.DeleteIfExistsAsync();
        await _services.DisposeAsync();
    }
}
