using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Webhooks.Payloads;
using Webhooks.AzureStorage;
using Azure.Data.Tables;

namespace Webhooks.DeadLetters;

/// <summary>DI registration of the dead-letter store.</summary>
public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="DeadLetterStore"/> over every queue of the <see cref="WebhookQueues"/> that
    /// <c>AddWebhookStorage</c> registers, with the registered <see cref="DeadLetterStoreOptions"/> (defaults when none) and the registered
    /// <see cref="PayloadStore"/> (when there is one; purge then deletes claim-check bodies). When a
    /// <see cref="TableServiceClient"/> is registered (<c>AddWebhookStorage</c> does) the store is indexed — records in
    /// the table named by <see cref="DeadLetterStore.IndexTableName"/> of the dead-letter queue's name — and a
    /// <see cref="DeadLetterWriter"/> for the worker is registered too (when the table client was registered before this call). Existing registrations are kept.
    /// </summary>
    public static IServiceCollection AddWebhookDeadLetters(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var queues = sp.GetRequiredService<WebhookQueues>();
            var time = sp.GetRequiredService<TimeProvider>();
            var payloads = sp.GetService<PayloadStore>();
            var options = sp.GetService<IOptions<DeadLetterStoreOptions>>()?.Value; // Webhooks:DeadLetters in the hosts
            return sp.GetService<TableServiceClient>() is { } tables
                ? new DeadLetterStore(queues, tables.GetTableClient(DeadLetterStore.IndexTableName(queues.DeadLetter.Name)), time, options, payloads)
                : new DeadLetterStore(queues, time, options, payloads);
        });
        if (services.Any(d => d.ServiceType == typeof(TableServiceClient)))
        {
            services.TryAddSingleton(sp => new DeadLetterWriter(sp.GetRequiredService<DeadLetterStore>()));
        }

        return services;
    }
}
