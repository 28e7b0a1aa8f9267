using Webhooks.Testing;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Delivery;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>The admin API through the real host (Program, DI, MapWebhooks) on real Azurite.</summary>
[Collection(OperationsCollection.Name)]
public sealed class AdminApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string AdminKey = "admin-key-for-tests-0123456789";
    private OperationsHarness _harness = null!;
    private WebhooksHostFactory _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _harness = await OperationsHarness.StartAsync(azurite, "admin");
        var settings = _harness.AppSettings;
        settings["Webhooks:Admin:ApiKeys:0"] = AdminKey;
        settings["Webhooks:Queues:Pauses"] = UniqueNames.Table("pauses");
        _host = new WebhooksHostFactory(settings);
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task WithoutAKey_Returns401MissingApiKey_WithAChallenge()
    {
        using var response = await _client.GetAsync("/api/admin/deadletters");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("ApiKey", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.Equal("missingApiKey", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-the-admin-key", HttpStatusCode.Forbidden)]
    [InlineData(AdminKey, HttpStatusCode.OK)]
    public async Task ManagePrefix_TheFunctionsAppsAdminRoute_AnswersLikeAdmin(string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/manage/queues");
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task WithAWrongKey_Returns403MissingPermission()
    {
        using var response = await Send(HttpMethod.Get, "deadletters", key: "not-the-admin-key");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.Equal("missingPermission", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal("This endpoint is for administrators only.", problem.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task WithTheAdminKey_ListsRecordsWrittenByTheWorker()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        using var response = await Send(HttpMethod.Get, "deadletters?source=members");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = await AdminCalls.JsonAsync(response);
        Assert.Equal(1, page.RootElement.GetProperty("total").GetInt32());
        var item = page.RootElement.GetProperty("items")[0];
        Assert.Equal("m1", item.GetProperty("id").GetString());
        Assert.Equal("userEmailConflict", item.GetProperty("errorCode").GetString());
        Assert.False(item.TryGetProperty("record", out _)); // list rows are summaries
    }

    [Fact]
    public async Task ShowById_ReturnsTheFullRecord_Or404()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        using var found = await Send(HttpMethod.Get, "deadletters/m1");
        using var missing = await Send(HttpMethod.Get, "deadletters/nope");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        using var entry = await AdminCalls.JsonAsync(found);
        Assert.Equal("ACCOUNT", entry.RootElement.GetProperty("record").GetProperty("error").GetProperty("entity").GetString());
        Assert.Contains("member.created", entry.RootElement.GetProperty("bodyText").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var problem = await AdminCalls.JsonAsync(missing);
        Assert.Equal("DEAD_LETTER", problem.RootElement.GetProperty("metadata").GetProperty("entity").GetString());
    }

    [Fact]
    public async Task List_PagesWithLimitAndContinue_SayingWhenMoreExist_AndRejectsAForeignToken()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        using var first = await Send(HttpMethod.Get, "deadletters?limit=2");
        using var firstBody = await AdminCalls.JsonAsync(first);
        var token = firstBody.RootElement.GetProperty("continuation").GetString();
        using var second = await Send(HttpMethod.Get, "deadletters?limit=2&continue=" + Uri.EscapeDataString(token!));
        using var secondBody = await AdminCalls.JsonAsync(second);
        using var foreign = await Send(HttpMethod.Get, "deadletters?continue=bm90IG91cnM");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(firstBody.RootElement.GetProperty("hasMore").GetBoolean());
        Assert.Equal(3, firstBody.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(2, firstBody.RootElement.GetProperty("items").GetArrayLength());
        Assert.False(secondBody.RootElement.GetProperty("hasMore").GetBoolean());
        Assert.False(secondBody.RootElement.TryGetProperty("continuation", out _));
        var ids = firstBody.RootElement.GetProperty("items").EnumerateArray().Concat(secondBody.RootElement.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("id").GetString());
        Assert.Equal(["o1", "m2", "m1"], ids);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        using var problem = await AdminCalls.JsonAsync(foreign);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("continue", out _));
    }

    [Fact]
    public async Task Replay_WithMaxItems_AnswersIncompleteWithAContinuation_ThatFinishesIt()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("m3", "members");

        using var part = await Send(HttpMethod.Post, "deadletters/replay", """{"all":true,"source":"members","maxItems":2}""");
        using var partBody = await AdminCalls.JsonAsync(part);
        var token = partBody.RootElement.GetProperty("continuation").GetString();
        using var rest = await Send(HttpMethod.Post, "deadletters/replay", "{\"all\":true,\"source\":\"members\",\"continue\":\"" + token + "\"}");
        using var restBody = await AdminCalls.JsonAsync(rest);

        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.False(partBody.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(2, partBody.RootElement.GetProperty("replayed").GetInt32());
        Assert.True(restBody.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(1, restBody.RootElement.GetProperty("replayed").GetInt32());
        Assert.Equal(0, await _harness.DeadLetterCountAsync());
        Assert.Equal(3, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task Replay_DryRunMovesNothing_ThenReplayDelivers()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        _harness.Members.Default = TargetReply.Of(200);

        using var dryRun = await Send(HttpMethod.Post, "deadletters/replay", """{"all":true,"source":"members","dryRun":true}""");
        var stillThere = await _harness.DeadLetterCountAsync();
        using var replay = await Send(HttpMethod.Post, "deadletters/replay", """{"ids":["m1"]}""");

        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        using (var body = await AdminCalls.JsonAsync(dryRun))
        {
            Assert.Equal(1, body.RootElement.GetProperty("matched").GetInt32());
            Assert.Equal("wouldReplay", body.RootElement.GetProperty("items")[0].GetProperty("outcome").GetString());
        }

        Assert.Equal(1, stillThere);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        using (var body = await AdminCalls.JsonAsync(replay))
        {
            Assert.Equal(1, body.RootElement.GetProperty("replayed").GetInt32());
        }

        Assert.Equal(0, await _harness.DeadLetterCountAsync());
        Assert.Equal(DeliveryOutcomeKind.Delivered, Assert.Single(await _harness.ProcessPendingAsync()).Kind);
    }

    [Theory]
    [InlineData("""{"source":"members"}""", "ids")]
    [InlineData("""{"ids":"m1"}""", "ids")]
    [InlineData("""{"all":true,"status":"409"}""", "status")]
    [InlineData("""not json""", "body")]
    public async Task Replay_WithABadBody_Returns400WithFieldErrors(string body, string field)
    {
        using var response = await Send(HttpMethod.Post, "deadletters/replay", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Purge_NeedsConfirm_ThenDeletesOnlyMatches()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        using var unconfirmed = await Send(HttpMethod.Delete, "deadletters?status=422&all=true");
        var afterUnconfirmed = await _harness.DeadLetterCountAsync();
        using var confirmed = await Send(HttpMethod.Delete, "deadletters?status=422&all=true&confirm=true");

        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(2, afterUnconfirmed);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        using var result = await AdminCalls.JsonAsync(confirmed);
        Assert.Equal(1, result.RootElement.GetProperty("deleted").GetInt32());
        Assert.Equal("m1", Assert.Single((await _harness.CreateStore().ListAsync()).Items).Id);
    }

    [Fact]
    public async Task Purge_WithATypoInAFilterKey_Returns400NamingIt_AndDeletesNothing()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        using var response = await Send(HttpMethod.Delete, "deadletters?confirm=true&sorce=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.Contains("Unknown parameter 'sorce'", problem.RootElement.GetProperty("errors").GetProperty("sorce")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await _harness.DeadLetterCountAsync());
    }

    [Theory]
    [InlineData("deadletters?confirm=true")]
    [InlineData("deadletters?confirm=true&source=members")]
    [InlineData("deadletters?confirm=true&all=false")]
    [InlineData("deadletters?confirm=true&all=true&id=m1")]
    public async Task Purge_WithoutIdsOrAnExplicitAll_Returns400_AndDeletesNothing(string path)
    {
        await _harness.DeliverOnceAsync("m1", "members");

        using var response = await Send(HttpMethod.Delete, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("all", out _));
        Assert.Equal(1, await _harness.DeadLetterCountAsync());
    }

    [Fact]
    public async Task Purge_WithAllTrue_DeletesEveryEntry()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        using var response = await Send(HttpMethod.Delete, "deadletters?confirm=true&all=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await _harness.DeadLetterCountAsync());
    }

    [Theory]
    [InlineData("""{"all":true,"sorce":"members"}""", "sorce")]
    [InlineData("""{"ids":["m1"],"dryrun":true}""", "dryrun")]
    [InlineData("""{"all":true,"\ud800":1}""", "(a name with an invalid escape)")]
    [InlineData("""{"ids":["m1"],"all":true}""", "all")]
    [InlineData("""{"ids":["\ud800"]}""", "ids")]
    public async Task Replay_WithAnUnknownOrConflictingBodyField_Returns400NamingIt_AndReplaysNothing(string body, string field)
    {
        await _harness.DeliverOnceAsync("m1", "members");

        using var response = await Send(HttpMethod.Post, "deadletters/replay", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
        Assert.Equal(1, await _harness.DeadLetterCountAsync());
    }

    [Theory]
    [InlineData("GET", "deadletters?sorce=members", "sorce")]
    [InlineData("GET", "deadletters/m1?verbose=true", "verbose")]
    [InlineData("GET", "queues?role=deadLetter", "role")]
    [InlineData("GET", "targets?source=members", "source")]
    [InlineData("POST", "targets/members/resume?force=true", "force")]
    [InlineData("POST", "deadletters/replay?dryrun=true&x=1", "x")]
    public async Task EveryEndpoint_RefusesQueryKeysItDoesNotTake(string method, string path, string key)
    {
        using var response = await Send(new HttpMethod(method), path, method == "POST" ? """{"ids":["m1"]}""" : null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await AdminCalls.JsonAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(key, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Queues_ReturnsDepthsOfEveryQueue()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        using var response = await Send(HttpMethod.Get, "queues");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var queues = await AdminCalls.JsonAsync(response);
        var deadLetter = queues.RootElement.EnumerateArray().Single(q => q.GetProperty("role").GetString() == "deadLetter");
        Assert.Equal(_harness.Names.DeadLetter, deadLetter.GetProperty("name").GetString());
        Assert.Equal(1, deadLetter.GetProperty("approximateCount").GetInt32());
    }

    [Theory]
    [InlineData("GET", "nothing-here", HttpStatusCode.NotFound, null)]
    [InlineData("PUT", "deadletters", HttpStatusCode.MethodNotAllowed, "GET, DELETE")]
    [InlineData("GET", "deadletters/replay", HttpStatusCode.MethodNotAllowed, "POST")]
    [InlineData("DELETE", "queues", HttpStatusCode.MethodNotAllowed, "GET")]
    [InlineData("GET", "targets/members/resume", HttpStatusCode.MethodNotAllowed, "POST")]
    [InlineData("GET", "deadletters?status=abc", HttpStatusCode.BadRequest, null)]
    [InlineData("GET", "deadletters?take=5000", HttpStatusCode.BadRequest, null)]
    [InlineData("GET", "deadletters?from=soon", HttpStatusCode.BadRequest, null)]
    [InlineData("POST", "targets/nobody/resume", HttpStatusCode.NotFound, null)]
    public async Task RoutingAndInput_AnswerWithProblems(string method, string path, HttpStatusCode expected, string? allow)
    {
        using var response = await Send(new HttpMethod(method), path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (allow is not null)
        {
            Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task ResumeATargetThatIsNotPaused_Returns200ResumedFalse()
    {
        using var response = await Send(HttpMethod.Post, "targets/members/resume");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await AdminCalls.JsonAsync(response);
        Assert.False(body.RootElement.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task PausedTargets_AreListed_AndResumedByTheOperator()
    {
        // The delivery engine registered in the host, as the lead's wiring will do; its worker stays disabled.
        await using var host = _host.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddWebhookDelivery()));
        using var client = host.CreateClient();
        var pauses = host.Services.GetRequiredService<TargetPauseRegistry>();
        await pauses.PauseAsync("members", "evt_1", "401 from the target", 401, CancellationToken.None);
        await pauses.AdmitAsync("members", "evt_2", CancellationToken.None);
        await pauses.AdmitAsync("members", "evt_2", CancellationToken.None); // held twice, counted once

        using var listed = await Send(HttpMethod.Get, "targets", client: client);
        using var health = await client.GetAsync("/api/health");
        using var resumed = await Send(HttpMethod.Post, "targets/members/resume", client: client);

        using (var body = await AdminCalls.JsonAsync(listed))
        {
            var paused = Assert.Single(body.RootElement.GetProperty("paused").EnumerateArray());
            Assert.Equal(("members", "default"), (paused.GetProperty("source").GetString(), paused.GetProperty("destination").GetString()));
            Assert.Equal(401, paused.GetProperty("status").GetInt32());
            Assert.Equal(2, paused.GetProperty("held").GetInt64());
        }

        using (var body = await AdminCalls.JsonAsync(health))
        {
            // Health names and counts it exactly as the admin API does.
            var paused = Assert.Single(body.RootElement.GetProperty("pausedTargets").EnumerateArray());
            Assert.Equal(("members", "default", 401, 2L), (paused.GetProperty("source").GetString(), paused.GetProperty("destination").GetString(), paused.GetProperty("status").GetInt32(), paused.GetProperty("held").GetInt64()));
            Assert.False(paused.TryGetProperty("heldCount", out _));
        }

        using (var body = await AdminCalls.JsonAsync(resumed))
        {
            Assert.True(body.RootElement.GetProperty("resumed").GetBoolean());
            Assert.Equal("members", body.RootElement.GetProperty("source").GetString());
            Assert.Equal("default", body.RootElement.GetProperty("destination").GetString());
            Assert.Equal("members", body.RootElement.GetProperty("target").GetString());
        }

        Assert.False(pauses.SeesPaused("members"));
        Assert.Empty(await pauses.SnapshotAsync(CancellationToken.None));
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? body = null, string key = AdminKey, HttpClient? client = null) =>
        AdminCalls.SendAsync(client ?? _client, key, method, path, body);

}
