using System.Reflection;
using System.Text.Json;
using Webhooks.Functions;

namespace Webhooks.Functions.Tests;

/// <summary>
/// The <c>functions.metadata</c> the Functions SDK generates at build time is what the host indexes: these are the
/// triggers, routes, methods and queues that ship, checked against what the docs and infra promise.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly string[] EveryMethod = ["get", "head", "post", "put", "patch", "delete", "options"];

    [Fact]
    public void Metadata_ListsExactlyTheShippedFunctions()
    {
        var names = Functions().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);

        string[] expected = ["AdminApi", "CheckHealth", .. DeliveryFunctionNames(), "OperatorConsole", "ReceiveWebhook"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [InlineData("ReceiveWebhook", "webhooks/{source}")]
    [InlineData("CheckHealth", "health")]
    [InlineData("AdminApi", "manage/{*path}")]
    [InlineData("OperatorConsole", "console/{*path}")]
    public void HttpFunction_IsAnonymous_OnItsRoute_AndTakesEveryMethodSoTheHandlerAnswers405(string name, string route)
    {
        var trigger = Trigger(name);

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(EveryMethod.Order(), trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order());
    }

    [Fact]
    public void DeliveryFunctions_EachDrainOneDeliveryQueue_NamedAsTheEngineNamesThem()
    {
        for (var index = 0; index < DeliverWebhook.WiredQueueCount; index++)
        {
            var trigger = Trigger(DeliveryFunctionNames()[index]);

            Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
            Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
            var expectedQueue = index == 0 ? "%Webhooks:Queues:Deliveries%" : $"%Webhooks:Queues:Deliveries%-{index}";
            Assert.Equal(expectedQueue, trigger.GetProperty("queueName").GetString());
        }
    }

    [Fact]
    public void RouteOfTheAdminApi_AvoidsTheHostsReservedAdminPrefix()
    {
        Assert.DoesNotMatch("^(admin|runtime)", Trigger("AdminApi").GetProperty("route").GetString()!);
    }

    private static string[] DeliveryFunctionNames() =>
        [.. Enumerable.Range(0, DeliverWebhook.WiredQueueCount).Select(i => i == 0 ? "DeliverWebhook" : $"DeliverWebhook{i}")];

    private static JsonElement Trigger(string functionName)
    {
        var function = Functions().Single(f => f.GetProperty("name").GetString() == functionName);
        return function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
    }

    private static List<JsonElement> Functions()
    {
        var directory = typeof(FunctionsMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FunctionsOutputDirectory").Value!;
        var path = Path.Combine(directory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Webhooks.Functions in the same configuration first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
