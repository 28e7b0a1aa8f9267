using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;

namespace Webhooks.Storage;

/// <summary>DI registration of the storage client and the app's queues.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The storage setting name (the Functions convention).</summary>
    public const string StorageSettingName = "AzureWebJobsStorage";

    /// <summary>Used when <see cref="StorageSettingName"/> is absent: Azurite on its default ports.</summary>
    public const string DefaultConnectionString = "UseDevelopmentStorage=true";

    /// <summary>
    /// Registers a singleton <see cref="QueueServiceClient"/> from <c>AzureWebJobsStorage</c> (connection string or
    /// identity-based keys; <c>UseDevelopmentStorage=true</c> when absent) and a singleton <see cref="WebhookQueues"/>
    /// named by <c>IOptions&lt;WebhooksOptions&gt;</c> (bind <c>Webhooks</c> for custom names). Uses the registered
    /// <see cref="TimeProvider"/> when there is one. Existing registrations are kept, so tests can substitute.
    /// </summary>
    public static IServiceCollection AddWebhookStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebhooksOptions>();
        services.TryAddSingleton(sp =>
        {
            var options = new QueueClientOptions { TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System };
            return StorageSettings.IsConfigured(configuration, StorageSettingName)
                ? QueueServiceClient.FromConfiguration(configuration, StorageSettingName, options)
                : QueueServiceClient.FromConnectionString(DefaultConnectionString, options);
        });
        services.TryAddSingleton(sp => new WebhookQueues(
            sp.GetRequiredService<QueueServiceClient>(),
            sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.Queues));
        return services;
    }
}
