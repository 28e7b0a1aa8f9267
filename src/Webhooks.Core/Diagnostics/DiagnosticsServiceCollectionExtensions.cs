using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Webhooks.DeadLetters;

namespace Webhooks.Diagnostics;

/// <summary>DI registration of the app's metrics.</summary>
public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the singleton <see cref="WebhooksMetrics"/> (on the host's <see cref="IMeterFactory"/> when there is
    /// one) and the <see cref="QueueMetricsSampler"/> hosted service that feeds its queue gauges. Needs the
    /// <see cref="DeadLetterStore"/> (<c>AddWebhookDeadLetters</c>).
    /// </summary>
    public static IServiceCollection AddWebhookMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new WebhooksMetrics(sp.GetService<IMeterFactory>()));
        services.AddHostedService<QueueMetricsSampler>();
        return services;
    }
}
