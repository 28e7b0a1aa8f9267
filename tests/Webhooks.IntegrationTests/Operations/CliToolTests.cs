using System.Text.Json;
using Webhooks.Cli;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing.Azurite;
using Webhooks.Verification;

namespace Webhooks.IntegrationTests.Operations;

/// <summary><c>queues stats</c>, <c>sources …</c> and <c>send</c>, in-process; <c>send</c> posts to the real host.</summary>
[Collection(OperationsCollection.Name)]
public sealed class CliToolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OperationsHarness _harness = null!;
    private string _localSettings = null!;

    public async Task InitializeAsync()
    {
        _harness = await OperationsHarness.StartAsync(azurite, "clitool");
        _localSettings = Path.Combine(Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
        var values = _harness.AppSettings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        await File.WriteAllTextAsync(_localSettings, JsonSerializer.Serialize(new Dictionary<string, object> { ["IsEncrypted"] = false, ["Values"] = values }));
    }

    public async Task DisposeAsync()
    {
        File.Delete(_localSettings);
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task QueuesStats_ReportsEveryQueueFromTheSettingsFile()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var table = await CliRun.InvokeAsync(["queues", "stats", "--config", _localSettings]);
        var json = await CliRun.InvokeAsync(["queues", "stats", "--config", _localSettings, "--json"]);
        var missing = await CliRun.InvokeAsync(["queues", "stats", "--config", _localSettings, "--deliveries-queue", Testing.UniqueNames.Queue("never-created")]);

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains(_harness.Names.DeadLetter, table.Out, StringComparison.Ordinal);
        Assert.Contains(_harness.Names.Deliveries + "-poison", table.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, missing.ExitCode);
        Assert.Contains("(no queue)", missing.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        var queues = document.RootElement.EnumerateArray().ToDictionary(q => q.GetProperty("role").GetString()!, q => q);
        Assert.Equal(1, queues["deadLetter"].GetProperty("approximateCount").GetInt32());
        Assert.Equal(0, queues["deliveries"].GetProperty("approximateCount").GetInt32());
        Assert.True(queues["deadLetter"].GetProperty("oldestAgeSeconds").GetDouble() >= 0);
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(false, "1")]
    public void Console_WhenPipedOrNoColor_WritesNoEscapeCodes(bool redirected, string noColor)
    {
        using var output = new StringWriter();
        var console = Webhooks.Cli.Output.CliConsole.Create(output, redirected, new Dictionary<string, string> { ["NO_COLOR"] = noColor });

        console.Write(new Spectre.Console.Markup("[bold red]failed[/] " + new string('y', 150)));

        Assert.DoesNotContain("\u001b[", output.ToString(), StringComparison.Ordinal);
        if (redirected)
        {
            Assert.Contains(new string('y', 150), output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SourcesList_ShowsSchemesAndSecretCounts_NeverSecrets()
    {
        var run = await CliRun.InvokeAsync(["sources", "list", "--config", _localSettings]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("members", run.Out, StringComparison.Ordinal);
        Assert.Contains("standard-webhooks", run.Out, StringComparison.Ordinal);
        Assert.Contains("github", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("orders-github-secret", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourcesList_FromAnAppSettingsFile_AsJson()
    {
        var file = Path.Combine(Path.GetTempPath(), $"appsettings.{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Webhooks": { "Sources": { "shop": { "Verification": "stripe", "Secrets": [ "whsec_a", "whsec_b" ], "Handshakes": [ "event-grid" ] } } } }""");
        try
        {
            var run = await CliRun.InvokeAsync(["sources", "list", "--config", file, "--json"]);

            using var json = JsonDocument.Parse(run.Out);
            var shop = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("shop", shop.GetProperty("name").GetString());
            Assert.Equal("stripe", shop.GetProperty("verification").GetString());
            Assert.Equal(2, shop.GetProperty("secrets").GetInt32());
            Assert.Equal("event-grid", shop.GetProperty("handshakes")[0].GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task SourcesList_ShowsEachNamedDestination_WithItsHostAndFilter()
    {
        var file = Path.Combine(Path.GetTempPath(), $"appsettings.{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "Webhooks": { "Sources": {
              "shop": { "Verification": "stripe", "Secrets": [ "whsec_a" ], "Destinations": {
                "crm": { "Url": "https://crm.example.com/hooks?code=crm-key", "Filter": { "type": "customer.*" } },
                "billing": { "Url": "https://billing.example.com/in" } } },
              "legacy": { "Verification": "stripe", "Secrets": [ "whsec_b" ], "Target": { "Url": "https://old.example.com/in" } } } } }
            """);
        try
        {
            var text = await CliRun.InvokeAsync(["sources", "list", "--config", file]);
            var json = await CliRun.InvokeAsync(["sources", "list", "--config", file, "--json"]);

            Assert.Equal(ExitCodes.Ok, text.ExitCode);
            Assert.Contains("crm: crm.example.com (takes type=customer.*)", text.Out, StringComparison.Ordinal);
            Assert.Contains("billing: billing.example.com (takes everything)", text.Out, StringComparison.Ordinal);
            Assert.Contains("https://old.example.com/in", text.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("crm-key", text.Out + json.Out, StringComparison.Ordinal);

            using var doc = JsonDocument.Parse(json.Out);
            var sources = doc.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
            var shop = sources["shop"];
            Assert.False(shop.TryGetProperty("target", out _));
            Assert.Equal(
                [("billing", "billing.example.com", "everything"), ("crm", "crm.example.com", "type=customer.*")],
                shop.GetProperty("destinations").EnumerateArray().Select(d => (d.GetProperty("name").GetString(), d.GetProperty("host").GetString(), d.GetProperty("filter").GetString())));
            Assert.Equal("https://old.example.com/in", sources["legacy"].GetProperty("target").GetString());
            Assert.False(sources["legacy"].TryGetProperty("destinations", out _));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task SourcesList_WithNothingConfigured_ExitCode3()
    {
        var run = await CliRun.InvokeAsync(["sources", "list"]);

        Assert.Equal(ExitCodes.NothingMatched, run.ExitCode);
    }

    [Theory]
    [InlineData("https://shop-hooks.azurewebsites.net", "https://shop-hooks.azurewebsites.net/api/webhooks/members")]
    [InlineData("https://shop-hooks.azurewebsites.net/api/", "https://shop-hooks.azurewebsites.net/api/webhooks/members")]
    [InlineData("http://127.0.0.1:7071", "http://127.0.0.1:7071/api/webhooks/members")]
    public async Task SourcesUrl_PrintsTheUrlToRegister(string baseUrl, string expected)
    {
        var run = await CliRun.InvokeAsync(["sources", "url", "members", "--base", baseUrl, "--config", _localSettings]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(expected, run.Out.Trim());
    }

    [Fact]
    public async Task SourcesUrl_UnknownSourceIsExit3_BadBaseIsExit2()
    {
        var unknown = await CliRun.InvokeAsync(["sources", "url", "nobody", "--base", "https://x.example", "--config", _localSettings]);
        var badBase = await CliRun.InvokeAsync(["sources", "url", "members", "--base", "ftp://x", "--config", _localSettings]);

        Assert.Equal(ExitCodes.NothingMatched, unknown.ExitCode);
        Assert.Equal(ExitCodes.Usage, badBase.ExitCode);
    }

    [Fact]
    public async Task SourcesSecretNew_PrintsAFreshWhsecSecretOf32Bytes()
    {
        var first = await CliRun.InvokeAsync(["sources", "secret", "new"]);
        var second = await CliRun.InvokeAsync(["sources", "secret", "new", "--json"]);

        var secret = first.Out.Trim();
        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        using var json = JsonDocument.Parse(second.Out);
        Assert.NotEqual(secret, json.RootElement.GetProperty("secret").GetString());
        Assert.True(StandardWebhooksSecret.IsWellFormed(json.RootElement.GetProperty("secret").GetString()));
    }

    [Theory]
    [InlineData("members")]
    [InlineData("orders")]
    public async Task Send_SignsWithTheSourcesScheme_AndTheRealHostQueuesIt(string source)
    {
        await using var host = new WebhooksHostFactory(_harness.AppSettings);
        var payload = await WritePayloadAsync("{\"type\":\"member.created\",\"id\":42}");
        try
        {
            var run = await CliRun.InvokeAsync(
                ["send", source, "--file", payload, "--url", "http://localhost", "--id", $"send-{source}", "--config", _localSettings],
                http: () => host.Server.CreateHandler());

            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            Assert.Contains("-> 202", run.Out, StringComparison.Ordinal);
            var queued = Assert.Single((await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value);
            var envelope = EnvelopeSerializer.Deserialize(queued.Body.ToMemory().Span);
            Assert.Equal(source, envelope.Source);
            Assert.Equal("{\"type\":\"member.created\",\"id\":42}"u8.ToArray(), envelope.Body);
        }
        finally
        {
            File.Delete(payload);
        }
    }

    [Fact]
    public async Task Send_WithAWrongSecret_PrintsTheProblem_ExitCode1()
    {
        await using var host = new WebhooksHostFactory(_harness.AppSettings);
        var payload = await WritePayloadAsync("{\"type\":\"member.created\"}");
        try
        {
            var run = await CliRun.InvokeAsync(
                ["send", "members", "--file", payload, "--url", "http://localhost", "--secret", StandardWebhooksSecret.Generate(), "--config", _localSettings, "--json"],
                http: () => host.Server.CreateHandler());

            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            using var json = JsonDocument.Parse(run.Out);
            Assert.Equal(401, json.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("invalidSignature", json.RootElement.GetProperty("body").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, await _harness.CountAsync(_harness.Queues.Deliveries));
        }
        finally
        {
            File.Delete(payload);
        }
    }

    private static async Task<string> WritePayloadAsync(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"payload-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }
}
