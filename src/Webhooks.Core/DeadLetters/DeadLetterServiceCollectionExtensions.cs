using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Webhooks.Payloads;
using Webhooks.AzureStorage;

namespace Webhooks.DeadLetters;

/// <summary>DI registration of the dead-letter store.</summary>
public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="DeadLetterStore"/> over every queue of the <see cref="WebhookQueues"/> that
    /// <c>AddWebhookStorage</c> registers, with default <see cref="DeadLetterStoreOptions"/> and the registered
    /// <see cref="PayloadStore"/> (when there is one; purge then deletes claim-check bodies). Existing registrations are kept.
    /// </summary>
    public static IServiceCollection AddWebhookDeadLetters(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DeadLetterStore(
            sp.GetRequiredService<WebhookQueues>(), sp.GetRequiredService<TimeProvider>(), options: null, sp.GetService<PayloadStore>()));
        return services;
    }
}
