using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Webhooks.Intake;

namespace Webhooks.Hosting.Console;

/// <summary>DI registration of what the console reads beyond the engine: the activity counter and the handshake log.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DeliveryActivity"/> (started with the host) and <see cref="HandshakeLog"/>, and wraps every
    /// <see cref="IHandshakeResponder"/> registered so far so its answers are logged. Call after the responders are added.
    /// </summary>
    public static IServiceCollection AddWebhookConsole(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DeliveryActivity(sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryActivity>());
        services.TryAddSingleton<HandshakeLog>();

        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is { ServiceType: var type, Lifetime: ServiceLifetime.Singleton } descriptor && type == typeof(IHandshakeResponder) && !descriptor.IsKeyedService)
            {
                services[i] = ServiceDescriptor.Singleton<IHandshakeResponder>(sp => new LoggedHandshakeResponder(Create(sp, descriptor), sp.GetRequiredService<HandshakeLog>()));
            }
        }

        return services;
    }

    private static IHandshakeResponder Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as IHandshakeResponder
        ?? descriptor.ImplementationFactory?.Invoke(services) as IHandshakeResponder
        ?? (IHandshakeResponder)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
