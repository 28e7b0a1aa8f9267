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
    /// Registers singletons <see cref="QueueServiceClient"/> and <see cref="BlobServiceClient"/> from
    /// <c>AzureWebJobsStorage</c> (connection string or identity-based keys; <c>UseDevelopmentStorage=true</c> when
    /// absent), <see cref="WebhookQueues"/> named by <c>IOptions&lt;WebhooksOptions&gt;</c> (bind <c>Webhooks</c> for
    /// custom names) and the claim-check <see cref="Payloads.PayloadStore"/>. Uses the registered
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
        services.TryAddSingleton(sp =>
        {
            var options = new BlobClientOptions { TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System };
            return StorageSettings.IsConfigured(configuration, StorageSettingName)
                ? BlobServiceClient.FromConfiguration(configuration, StorageSettingName, options)
                : BlobServiceClient.FromConnectionString(DefaultConnectionString, options);
        });
        services.TryAddSingleton<Payloads.PayloadStore>();
        services.TryAddSingleton(sp => new WebhookQueues(
            sp.GetRequiredService<QueueServiceClient>(),
            sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.Queues));
        return services;
    }
}
