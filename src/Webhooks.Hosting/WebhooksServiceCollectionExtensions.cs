using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Dedup;
using Webhooks.Delivery;
using Webhooks.Diagnostics;
using Webhooks.Hosting.Console;
using Webhooks.Intake;
using Webhooks.Intake.Handshakes;
using Webhooks.Queuing;
using Webhooks.AzureStorage;
using Webhooks.Verification;

namespace Webhooks.Hosting;

/// <summary>The one DI registration both hosts (Kestrel and Functions) call.</summary>
public static class WebhooksServiceCollectionExtensions
{
    /// <summary>Registers the engine, bound to <c>Webhooks:*</c> and <c>AzureWebJobsStorage</c>, validated at start.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhooksOptions>()
            .Bind(configuration.GetSection(WebhooksOptions.SectionName))
            .Configure(options => HeaderFilterBinding.Bind(configuration.GetSection(WebhooksOptions.SectionName), options))
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<WebhooksOptions>, UnresolvedSecretFilter>();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddOptions<DeadLetterStoreOptions>()
            .Bind(configuration.GetSection(DeadLetterStoreOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeadLetterStoreOptions>>(new SectionAnnotationsValidator<DeadLetterStoreOptions>(DeadLetterStoreOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.AddWebhookStorage(configuration);
        services.AddHostedService<QueueInitializer>();

        // Intake.
        foreach (var scheme in VerifierRegistry.Schemes)
        {
            services.AddSingleton(VerifierRegistry.Get(scheme));
        }

        services.AddSingleton<IHandshakeResponder, EventGridHandshake>();
        services.AddSingleton<IHandshakeResponder, CloudEventsHandshake>();
        services.AddSingleton<IHandshakeResponder, SlackHandshake>();
        services.AddSingleton<IHandshakeResponder, GraphHandshake>();
        services.TryAddSingleton<IDeliveryQueue, StorageDeliveryQueue>();
        services.TryAddSingleton<IDeliveryDeduplicator, BlobDeliveryDeduplicator>();
        services.AddSingleton<SourceRateLimiter>();
        services.AddSingleton<WebhookIntake>();

        // Delivery: the processor (used by the Functions queue trigger too) and the hosted poll loop, which idles
        // when Webhooks:Delivery:Enabled is false.
        services.AddWebhookDelivery();
        services.AddSingleton<IHealthContributor, PausedTargetsHealth>();

        // Operations: the dead-letter store behind the admin API, and the "Webhooks" meter.
        services.AddWebhookDeadLetters();
        services.AddWebhookMetrics();
        services.AddWebhookConsole();
        return services;
    }
}
