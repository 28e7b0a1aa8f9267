using System.Globalization;
using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Core.Tests.Functions;

/// <summary>
/// The Functions app cannot be built on every machine, but its settings files can be checked everywhere: they must
/// agree with the engine's defaults, or the queue trigger and the Kestrel workers behave differently.
/// </summary>
public class FunctionsHostSettingsTests
{
    private static readonly DeliveryOptions EngineDefaults = new();
    private static readonly QueueNamesOptions QueueDefaults = new();

    [Fact]
    public void HostJson_RoutePrefix_IsApi_LikeTheKestrelHost()
    {
        using var hostJson = ReadRepositoryJson("host.json");

        var routePrefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix");

        Assert.Equal("api", routePrefix.GetString());
    }

    [Fact]
    public void HostJson_Queues_DecodeBase64_AsTheEngineWrites()
    {
        using var hostJson = ReadRepositoryJson("host.json");

        Assert.Equal("base64", Queues(hostJson).GetProperty("messageEncoding").GetString());
    }

    [Fact]
    public void HostJson_Queues_BatchSize_MatchesDeliveryOptionsDefault()
    {
        using var hostJson = ReadRepositoryJson("host.json");

        var batchSize = Queues(hostJson).GetProperty("batchSize").GetInt32();

        Assert.Equal(EngineDefaults.BatchSize, batchSize);
        Assert.InRange(batchSize, 1, 32);
    }

    [Fact]
    public void HostJson_Queues_MaxPollingInterval_MatchesDeliveryOptionsDefault()
    {
        using var hostJson = ReadRepositoryJson("host.json");

        var interval = TimeSpan.Parse(Queues(hostJson).GetProperty("maxPollingInterval").GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal(EngineDefaults.MaxPollingInterval, interval);
    }

    [Fact]
    public void HostJson_Sampling_KeepsEveryRequestAndException()
    {
        using var hostJson = ReadRepositoryJson("host.json");

        var excluded = hostJson.RootElement.GetProperty("logging").GetProperty("applicationInsights")
            .GetProperty("samplingSettings").GetProperty("excludedTypes").GetString()!
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("Request", excluded);
        Assert.Contains("Exception", excluded);
    }

    [Fact]
    public void LocalSettingsSample_HasStorageAndIsolatedWorkerRuntime()
    {
        using var sample = ReadRepositoryJson("local.settings.sample.json");

        var values = Values(sample);

        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
    }

    [Fact]
    public void LocalSettingsSample_QueueNames_MatchQueueNamesOptionsDefaults()
    {
        using var sample = ReadRepositoryJson("local.settings.sample.json");

        var values = Values(sample);

        // DeliverWebhook binds %Webhooks:Queues:Deliveries%: without this setting the trigger does not index.
        Assert.Equal(QueueDefaults.Deliveries, values["Webhooks__Queues__Deliveries"]);
        Assert.Equal(QueueDefaults.DeadLetter, values["Webhooks__Queues__DeadLetter"]);
    }

    [Fact]
    public void LocalSettingsSample_EveryValue_IsAString()
    {
        using var sample = ReadRepositoryJson("local.settings.sample.json");

        // Core Tools exports Values as environment variables and rejects anything but strings.
        var nonStrings = sample.RootElement.GetProperty("Values").EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.String)
            .Select(p => p.Name)
            .ToList();

        Assert.Empty(nonStrings);
    }

    private static JsonElement Queues(JsonDocument hostJson) =>
        hostJson.RootElement.GetProperty("extensions").GetProperty("queues");

    private static Dictionary<string, string?> Values(JsonDocument sample) =>
        sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());

    private static JsonDocument ReadRepositoryJson(string fileName) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), fileName)));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Webhooks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Webhooks.sln above {AppContext.BaseDirectory}.");
    }
}
