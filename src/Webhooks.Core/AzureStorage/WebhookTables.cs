using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;

namespace Webhooks.AzureStorage;

/// <summary>DI registration of the table service client, from the same <see cref="StorageConnection"/> as the queues and blobs.</summary>
public static class WebhookTables
{
    /// <summary>
    /// Registers a singleton <see cref="TableServiceClient"/> (retries within <see cref="IntakeOptions.QueueWriteTimeout"/>,
    /// like the other clients) unless one is registered already. Needs <c>AddWebhookStorage</c>'s <see cref="StorageConnection"/>.
    /// </summary>
    public static IServiceCollection AddWebhookTables(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp =>
        {
            var options = new TableClientOptions();
            StorageRetryBudget.Apply(options.Retry, sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.Intake.QueueWriteTimeout);
            return sp.GetRequiredService<StorageConnection>().CreateTableServiceClient(options);
        });
        return services;
    }
}
