using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Hosting;

namespace Webhooks.Functions;

/// <summary>The Functions app's registration: the shared engine plus what only this host checks.</summary>
public static class FunctionsServiceCollectionExtensions
{
    /// <summary>Adds the engine (<see cref="WebhooksServiceCollectionExtensions.AddWebhooks"/>) and the Functions-only validation.</summary>
    public static IServiceCollection AddWebhooksFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebhooks(configuration);
        services.AddSingleton<IValidateOptions<WebhooksOptions>, FunctionsQueueCountValidator>();
        return services;
    }
}
