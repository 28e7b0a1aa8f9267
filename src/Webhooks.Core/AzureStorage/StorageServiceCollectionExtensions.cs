using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Payloads;

namespace Webhooks.AzureStorage;

/// <summary>DI registration of the storage clients and the app's queues.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers singletons <see cref="StorageConnection"/> (from <c>AzureWebJobsStorage</c>, through
    /// Microsoft.Extensions.Azure's component factory), <see cref="WebhookStorage"/>, <see cref="WebhookQueues"/>
    /// (and the table service for the dead-letter index) named by <c>IOptions&lt;WebhooksOptions&gt;</c> and the claim-check <see cref="PayloadStore"/>. Existing
    /// registrations are kept, so tests can substitute.
    /// </summary>
    public static IServiceCollection AddWebhookStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebhooksOptions>();
        services.AddAzureClientsCore();
        services.TryAddSingleton(sp => StorageConnection.Resolve(configuration, sp.GetRequiredService<AzureComponentFactory>()));
        services.TryAddSingleton(sp => new WebhookStorage(
            sp.GetRequiredService<StorageConnection>(),
            sp.GetRequiredService<IOptions<WebhooksOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Webhooks.AzureStorage")));
        services.TryAddSingleton(sp => sp.GetRequiredService<WebhookStorage>().Queues);
        services.TryAddSingleton(sp => sp.GetRequiredService<WebhookStorage>().Blobs);
        services.TryAddSingleton(sp => sp.GetRequiredService<WebhookStorage>().Tables);
        services.TryAddSingleton<PayloadStore>();
        services.TryAddSingleton(sp => new WebhookQueues(
            sp.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>(),
            sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.Queues));
        return services;
    }
}
