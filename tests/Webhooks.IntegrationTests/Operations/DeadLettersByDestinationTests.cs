using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Webhooks.Cli;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>
/// Dead letters of fanned-out deliveries (issue 16) by destination: the index column, its filter and counts, and
/// the admin API and CLI over them, on real Azurite. Records are written through the worker's own
/// <see cref="DeadLetterWriter"/>, as a destination's dead letter is.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class DeadLettersByDestinationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string AdminKey = "admin-key-for-tests-0123456789";
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);

    private OperationsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await OperationsHarness.StartAsync(azurite, "dldest");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task TwoDestinationsOfOneDelivery_DeadLetteredInTheSameTick_AreTwoEntries_EachNamingItsDestination()
    {
        var writer = new DeadLetterWriter(_harness.CreateStore());

        await writer.WriteAsync(Record("evt_1", "members", "crm", At, 422));
        await writer.WriteAsync(Record("evt_1", "members", "billing", At, 409));
        await writer.WriteAsync(Record("evt_1", "members", "billing", At, 409)); // a rerun of the same write

        var page = await _harness.CreateStore().PageAsync(DeadLetterFilter.None);
        Assert.Equal(["billing", "crm"], page.Items.Select(i => i.Destination).Order(StringComparer.Ordinal));
        Assert.All(page.Items, i => Assert.Equal("evt_1", i.Id));
        Assert.Equal(2, page.Total);
        var rows = _harness.IndexTable.Query<TableEntity>(e => e.PartitionKey == "s-members").Where(e => e.RowKey != "~counts").ToList();
        Assert.Equal(["billing", "crm"], rows.Select(r => r.GetString("Destination")).Order(StringComparer.Ordinal)); // a column Storage Explorer shows
    }

    [Fact]
    public async Task TheDestinationFilter_MatchesCaseInsensitively_AndNeverMatchesEntriesWithoutOne()
    {
        var writer = new DeadLetterWriter(_harness.CreateStore());
        await writer.WriteAsync(Record("a1", "members", "crm", At, 422));
        await writer.WriteAsync(Record("a2", "members", "billing", At.AddSeconds(1), 409));
        await writer.WriteAsync(Record("a3", "orders", "crm", At.AddSeconds(2), 500));
        await writer.WriteAsync(Record("legacy", "members", destination: null, At.AddSeconds(3), 500));
        var store = _harness.CreateStore();

        var crm = await store.PageAsync(new DeadLetterFilter { Destination = "CRM" });
        var membersCrm = await store.PageAsync(new DeadLetterFilter { Source = "members", Destination = "crm" });
        var shown = await store.GetAsync("a2");

        Assert.Equal(["a3", "a1"], crm.Items.Select(i => i.Id));
        Assert.Equal(["a1"], membersCrm.Items.Select(i => i.Id));
        Assert.Equal("billing", shown!.Destination);
        Assert.Equal("billing", shown.Record.Envelope!.Destination);
    }

    [Fact]
    public async Task Stats_CountByDestination_FromTheCounters_AndFromAScan_WithTheRestAsNone()
    {
        var store = _harness.CreateStore();
        await store.WriteBatchAsync([Record("old", "members", destination: null, At, 500)], CancellationToken.None); // counted before destinations
        var writer = new DeadLetterWriter(store);
        await writer.WriteAsync(Record("b1", "members", "crm", At.AddSeconds(1), 422));
        await writer.WriteAsync(Record("b2", "members", "crm", At.AddSeconds(2), 422));
        await writer.WriteAsync(Record("b3", "orders", "audit", At.AddSeconds(3), 500));

        var counted = await store.StatsAsync();
        var scanned = await store.StatsAsync(new DeadLetterFilter { Status = 422 });
        await store.PurgeAsync(DeadLetterSelection.ByIds("b1"));
        var afterPurge = await store.StatsAsync(new DeadLetterFilter { Source = "members" });

        Assert.Equal("counters", counted.CountedBy);
        Assert.Equal(["audit=1", "crm=2", "none=1"], Counts(counted.ByDestination));
        Assert.Equal("scan", scanned.CountedBy);
        Assert.Equal(["crm=2"], Counts(scanned.ByDestination));
        Assert.Equal(["crm=1", "none=1"], Counts(afterPurge.ByDestination));
    }

    [Fact]
    public async Task AdminApi_ListFiltersByDestination_ShowNamesIt_AndTheReplayBodyTakesItAsAFilter()
    {
        var writer = new DeadLetterWriter(_harness.CreateStore());
        await writer.WriteAsync(Record("c1", "members", "crm", At, 422));
        await writer.WriteAsync(Record("c2", "members", "billing", At.AddSeconds(1), 409));
        var settings = _harness.AppSettings;
        settings["Webhooks:Admin:ApiKeys:0"] = AdminKey;
        await using var host = new WebhooksHostFactory(settings);
        using var client = host.CreateClient();

        using var listed = await Send(client, HttpMethod.Get, "deadletters?destination=crm");
        using var shown = await Send(client, HttpMethod.Get, "deadletters/c2");
        using var dryRun = await Send(client, HttpMethod.Post, "deadletters/replay", """{"all":true,"source":"members","destination":"billing","dryRun":true}""");
        using var typo = await Send(client, HttpMethod.Get, "deadletters?destinaton=crm");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using (var page = await AdminCalls.JsonAsync(listed))
        {
            var item = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(("c1", "crm"), (item.GetProperty("id").GetString(), item.GetProperty("destination").GetString()));
        }

        using (var entry = await AdminCalls.JsonAsync(shown))
        {
            Assert.Equal("billing", entry.RootElement.GetProperty("destination").GetString());
            Assert.Equal("billing", entry.RootElement.GetProperty("record").GetProperty("envelope").GetProperty("destination").GetString());
        }

        using (var result = await AdminCalls.JsonAsync(dryRun))
        {
            Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
            Assert.Equal("c2", Assert.Single(result.RootElement.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Equal(2, await _harness.DeadLetterCountAsync());
    }

    [Fact]
    public async Task Cli_ListWithDestination_ShowsOnlyItsEntries_WithADestinationColumn()
    {
        var writer = new DeadLetterWriter(_harness.CreateStore());
        await writer.WriteAsync(Record("d1", "members", "crm", At, 422));
        await writer.WriteAsync(Record("d2", "members", "billing", At.AddSeconds(1), 409));

        var json = await CliRun.InvokeAsync(["dlq", "list", "--destination", "crm", "--json", .. _harness.CliConnection]);
        var table = await CliRun.InvokeAsync(["dlq", "list", .. _harness.CliConnection]);
        var none = await CliRun.InvokeAsync(["dlq", "list", "--destination", "audit", .. _harness.CliConnection]);
        var stats = await CliRun.InvokeAsync(["dlq", "stats", .. _harness.CliConnection]);

        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using (var page = JsonDocument.Parse(json.Out))
        {
            var item = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(("d1", "crm"), (item.GetProperty("id").GetString(), item.GetProperty("destination").GetString()));
        }

        Assert.Contains("Destination", table.Out, StringComparison.Ordinal);
        Assert.Contains("billing", table.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NothingMatched, none.ExitCode);
        Assert.Contains("Destination", stats.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_Replay_KeepsTheEntrysDestination_OrSendsToAnotherOfTheSameSource()
    {
        var writer = new DeadLetterWriter(_harness.CreateStore());
        await writer.WriteAsync(Record("r1", "stripe", "crm", At, 422));
        await writer.WriteAsync(Record("r2", "stripe", "crm", At.AddSeconds(1), 422));
        await using var host = new WebhooksHostFactory(StripeSettings());
        using var client = host.CreateClient();

        using var dryRun = await Send(client, HttpMethod.Post, "deadletters/replay", """{"ids":["r1"],"toDestination":"BILLING","dryRun":true}""");
        var afterDryRun = await QueuedAsync();
        using var own = await Send(client, HttpMethod.Post, "deadletters/replay", """{"ids":["r1"]}""");
        using var other = await Send(client, HttpMethod.Post, "deadletters/replay?toDestination=billing", """{"all":true,"source":"stripe"}""");

        using (var result = await AdminCalls.JsonAsync(dryRun))
        {
            var item = Assert.Single(result.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(("wouldReplay", "billing"), (item.GetProperty("outcome").GetString(), item.GetProperty("destination").GetString()));
        }

        Assert.Empty(afterDryRun);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var queued = await QueuedAsync();
        Assert.Equal([("r1", "crm"), ("r2", "billing")], queued.Select(e => (e.Id, e.Destination)).Order());
        Assert.All(queued, e => Assert.Equal(1, e.ReplayCount));
        Assert.Equal(0, await _harness.DeadLetterCountAsync());
    }

    [Theory]
    [InlineData("""{"ids":["u1"],"toDestination":"nowhere"}""", null, "unknownDestination")]
    [InlineData("""{"ids":["u1"],"toDestination":"not a name!"}""", null, "unknownDestination")]
    [InlineData("""{"all":true,"source":"stripe","dryRun":true}""", "?toDestination=nowhere", "unknownDestination")]
    [InlineData("""{"all":true,"source":"members","toDestination":"crm"}""", null, "unknownDestination")]
    [InlineData("""{"all":true,"toDestination":"crm"}""", null, "invalidRequest")]
    [InlineData("""{"ids":["u1"],"toDestination":"crm"}""", "?toDestination=billing", "invalidRequest")]
    public async Task AdminApi_Replay_ToADestinationTheSourceDoesNotHave_Returns400_BeforeAnythingMoves(string body, string? query, string errorCode)
    {
        await new DeadLetterWriter(_harness.CreateStore()).WriteAsync(Record("u1", "stripe", "crm", At, 422));
        await using var host = new WebhooksHostFactory(StripeSettings());
        using var client = host.CreateClient();

        using var response = await Send(client, HttpMethod.Post, "deadletters/replay" + query, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.Equal(errorCode, problem.RootElement.GetProperty("errorCode").GetString());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("toDestination", out _), problem.RootElement.ToString());
        Assert.Equal(1, await _harness.DeadLetterCountAsync());
        Assert.Empty(await QueuedAsync());
    }

    [Fact]
    public async Task Cli_ReplayToDestination_ChecksTheNameAgainstTheSettings_ThenSendsThere()
    {
        await new DeadLetterWriter(_harness.CreateStore()).WriteAsync(Record("v1", "stripe", "crm", At, 422));
        var config = Path.Combine(Path.GetTempPath(), $"dldest-{Guid.NewGuid():N}.json");
        var sources = StripeSettings().Where(kv => kv.Key.StartsWith("Webhooks:Sources:", StringComparison.Ordinal));
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(Nested(sources)));
        try
        {
            var withoutSettings = await CliRun.InvokeAsync(["dlq", "replay", "v1", "--to-destination", "billing", .. _harness.CliConnection]);
            var unknown = await CliRun.InvokeAsync(["dlq", "replay", "v1", "--to-destination", "nowhere", "--config", config, .. _harness.CliConnection]);
            var afterRefusals = await QueuedAsync();
            var replayed = await CliRun.InvokeAsync(["dlq", "replay", "v1", "--to-destination", "billing", "--config", config, "--json", .. _harness.CliConnection]);

            Assert.Equal(ExitCodes.Usage, withoutSettings.ExitCode);
            Assert.Contains("--config", withoutSettings.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
            Assert.Contains("has no destination 'nowhere'; it has audit, billing, crm", unknown.Error, StringComparison.Ordinal);
            Assert.Empty(afterRefusals);
            Assert.Equal(ExitCodes.Ok, replayed.ExitCode);
            Assert.Equal(("v1", "billing"), Assert.Single(await QueuedAsync()) is var e ? (e.Id, e.Destination) : default);
        }
        finally
        {
            File.Delete(config);
        }
    }

    // The harness's settings plus a source with three destinations (their URLs are never called here).
    private Dictionary<string, string?> StripeSettings()
    {
        var settings = _harness.AppSettings;
        settings["Webhooks:Admin:ApiKeys:0"] = AdminKey;
        settings["Webhooks:Sources:stripe:Verification"] = "stripe";
        settings["Webhooks:Sources:stripe:Secrets:0"] = "whsec_stripe-secret-for-tests";
        foreach (var name in new[] { "billing", "crm", "audit" })
        {
            settings[$"Webhooks:Sources:stripe:Destinations:{name}:Url"] = $"http://127.0.0.1:9/{name}";
        }

        return settings;
    }

    private async Task<List<DeliveryEnvelope>> QueuedAsync() =>
        [.. (await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value.Select(m => EnvelopeSerializer.Deserialize(m.Body.ToMemory().Span))];

    // "A:B:C" = v as nested JSON objects, the shape of an appsettings file.
    private static Dictionary<string, object> Nested(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var root = new Dictionary<string, object>();
        foreach (var (key, value) in settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = (Dictionary<string, object>)(node.TryGetValue(part, out var child) ? child : node[part] = new Dictionary<string, object>());
            }

            node[parts[^1]] = value!;
        }

        return root;
    }

    internal static DeadLetterRecord Record(string id, string source, string? destination, DateTimeOffset at, int status) => new()
    {
        Reason = status is >= 400 and < 500 ? DeadLetterReasons.TargetRejected : DeadLetterReasons.RetriesExhausted,
        DeadLetteredAt = at,
        FinalStatus = status,
        Envelope = new DeliveryEnvelope
        {
            Id = id,
            Source = source,
            Destination = destination,
            ReceivedAt = at,
            ContentType = "application/json",
            Body = Encoding.UTF8.GetBytes("{\"type\":\"invoice.paid\"}"),
        },
    };

    private static string[] Counts(IReadOnlyDictionary<string, int> counts) =>
        [.. counts.Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal)];

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? body = null) =>
        AdminCalls.SendAsync(client, AdminKey, method, path, body);

}
