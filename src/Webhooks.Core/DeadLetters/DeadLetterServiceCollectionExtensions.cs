using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Webhooks.Storage;

namespace Webhooks.DeadLetters;

/// <summary>DI registration of the dead-letter store.</summary>
public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="DeadLetterStore"/> over the <see cref="WebhookQueues"/> that
    /// <c>AddWebhookStorage</c> registers, with default <see cref="DeadLetterStoreOptions"/>. Existing registrations are kept.
    /// </summary>
    public static IServiceCollection AddWebhookDeadLetters(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DeadLetterStore(sp.GetRequiredService<WebhookQueues>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
