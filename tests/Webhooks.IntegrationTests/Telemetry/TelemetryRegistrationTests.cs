using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Webhooks.Hosting;
using Webhooks.IntegrationTests.Hosting;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>Exporters by configuration only: which settings turn what on.</summary>
public sealed class TelemetryRegistrationTests
{
    // Loopback port 1: these tests never reach storage (an unknown source is answered 404 before any storage call).
    private const string UnreachableStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

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

    [Fact]
    public async Task RealServer_WithAnOtlpEndpoint_RegistersTelemetryAndStillAnswers()
    {
        // A loopback port nobody listens on: the exporter's sends fail quietly, nothing leaves the machine.
        await using var host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = UnreachableStorage,
            ["Webhooks:Delivery:Enabled"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        });
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/api/webhooks/nowhere", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task RealServer_WithoutExporters_RegistersNoTelemetry()
    {
        await using var host = new WebhooksHostFactory(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = UnreachableStorage, ["Webhooks:Delivery:Enabled"] = "false" });
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/api/webhooks/nowhere", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(host.Services.GetService<TracerProvider>());
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
