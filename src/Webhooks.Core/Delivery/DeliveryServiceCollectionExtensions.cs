using System.Net;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Webhooks.AzureStorage;
using Webhooks.Configuration;

namespace Webhooks.Delivery;

/// <summary>DI registration of the delivery engine.</summary>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the delivery engine: the guarded <c>webhooks-targets</c> HttpClient (SSRF check at connect time,
    /// no redirects, no proxy, no cookies, no request logging since target URLs may carry keys), the classifier,
    /// backoff, pause registry (over the shared pause table, <see cref="TableTargetPauseStore"/>), target client, <see cref="DeliveryProcessor"/>, and the <see cref="DeliveryWorker"/>
    /// hosted service, which does nothing when <see cref="DeliveryOptions.Enabled"/> is false. Options come from
    /// <c>IOptions&lt;WebhooksOptions&gt;</c>; queues from the <c>WebhookQueues</c> that <c>AddWebhookStorage</c>
    /// registers. Existing registrations are kept, so tests can substitute (e.g. <see cref="ITargetHostResolver"/>).
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WebhooksOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITargetHostResolver, DnsTargetHostResolver>();
        services.TryAddSingleton<ITargetConnector, SocketTargetConnector>();
        services.TryAddSingleton<TargetGuard>();
        services.TryAddSingleton(_ => new Backoff());
        services.TryAddSingleton<DeliveryClassifier>();
        services.AddWebhookTables();
        services.TryAddSingleton<ITargetPauseStore>(sp => new TableTargetPauseStore(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.Queues.Pauses)));
        services.TryAddSingleton<TargetPauseRegistry>();
        services.TryAddSingleton<TargetClient>();
        services.TryAddSingleton<DeliveryProcessor>();

        services.AddHttpClient(TargetClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CreateTargetsHandler(sp.GetRequiredService<TargetGuard>()))
            .RemoveAllLoggers();

        services.AddHostedService<DeliveryWorker>();
        return services;
    }

    /// <summary>The targets client's handler: every connection goes through <see cref="TargetGuard.ConnectAsync"/>.</summary>
    public static SocketsHttpHandler CreateTargetsHandler(TargetGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false, // a proxy would hide the target's address from the guard
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
    }
}
