using System.Text.Json;
using Webhooks.Testing.Azurite;

namespace Webhooks.Functions.Tests;

/// <summary>local.settings.sample.json is what `func start` users copy: it must match the triggers the app has.</summary>
public sealed class LocalSettingsSampleTests
{
    [Fact]
    public void Sample_DisablesExactlyTheDeliveryTriggersPastItsQueueCount()
    {
        var values = Values();
        var count = int.Parse(values["Webhooks__Queues__Count"], System.Globalization.CultureInfo.InvariantCulture);

        for (var index = 1; index < DeliverWebhook.WiredQueueCount; index++)
        {
            var setting = $"AzureWebJobs.DeliverWebhook{index}.Disabled";
            if (index < count)
            {
                Assert.False(values.ContainsKey(setting), $"{setting} disables a queue the sample's count uses");
            }
            else
            {
                Assert.Equal("true", values.GetValueOrDefault(setting));
            }
        }
    }

    [Fact]
    public void Sample_NamesTheQueueTheTriggersResolve_AndTheIsolatedRuntime()
    {
        var values = Values();

        Assert.False(string.IsNullOrEmpty(values.GetValueOrDefault("Webhooks__Queues__Deliveries")));
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
    }

    private static Dictionary<string, string> Values()
    {
        var path = Path.Combine(RepositoryPaths.Root, "local.settings.sample.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
