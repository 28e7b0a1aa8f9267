using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Configuration;

namespace Webhooks.Hosting;

/// <summary>The one DI registration both hosts (Kestrel and Functions) call.</summary>
public static class WebhooksServiceCollectionExtensions
{
    /// <summary>Registers the engine, bound to <c>Webhooks:*</c> and <c>AzureWebJobsStorage</c>.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection(WebhooksOptions.SectionName));
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
