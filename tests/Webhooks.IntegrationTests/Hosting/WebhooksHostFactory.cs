using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Webhooks.IntegrationTests.Hosting;

/// <summary>
/// The real ASP.NET Core host (the Server's Program, its DI and endpoints) configured by the test: storage, sources,
/// delivery settings. Environment "Testing", so nothing from appsettings.Development.json leaks in.
/// </summary>
public sealed class WebhooksHostFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return base.CreateHost(builder);
    }
}
