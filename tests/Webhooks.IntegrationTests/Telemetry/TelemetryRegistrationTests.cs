using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Webhooks.Hosting;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>Exporters by configuration only: which settings turn what on.</summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void NeitherExporterConfigured_RegistersNothing()
    {
        var services = new ServiceCollection();
        var called = false;

        var builder = services.AddWebhooksTelemetry(Configuration(), (_, _) => called = true);

        Assert.Null(builder);
        Assert.False(called);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(TracerProvider) || d.ServiceType == typeof(MeterProvider));
    }

    [Fact]
    public void OtlpEndpoint_RegistersTracingAndMetrics_WithoutAzureMonitor()
    {
        var services = new ServiceCollection();
        var called = false;

        var builder = services.AddWebhooksTelemetry(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")), (_, _) => called = true);

        Assert.NotNull(builder);
        Assert.False(called);
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void ConnectionString_UsesTheHostsAzureMonitor_WithTheIdentityTheAuthenticationStringNames()
    {
        var services = new ServiceCollection();
        TokenCredential? given = null;
        var called = false;

        services.AddWebhooksTelemetry(
            Configuration(
                ("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000"),
                ("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "ClientId=11111111-1111-1111-1111-111111111111;Authorization=AAD")),
            (_, credential) => (called, given) = (true, credential));

        Assert.True(called);
        Assert.IsType<ManagedIdentityCredential>(given);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("authorization = aad ; ClientId = abc", true)]
    [InlineData("Authorization=Key", false)]
    public void AzureMonitorCredential_OnlyForAad(string? authenticationString, bool expected) =>
        Assert.Equal(expected, WebhooksTelemetryExtensions.AzureMonitorCredential(authenticationString) is ManagedIdentityCredential);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
