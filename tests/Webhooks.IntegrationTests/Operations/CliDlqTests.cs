using System.Text.Json;
using Webhooks.Cli;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>The <c>webhooks dlq</c> commands, in-process, against real Azurite and records from the real worker.</summary>
[Collection(OperationsCollection.Name)]
public sealed class CliDlqTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OperationsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await OperationsHarness.StartAsync(azurite, "clidlq");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task List_PrintsATableWithTheParsedError_ExitCode0()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var run = await Dlq("list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("m1", run.Out, StringComparison.Ordinal);
        Assert.Contains("o1", run.Out, StringComparison.Ordinal);
        Assert.Contains("409 userEmailConflict: The email is already used within your gym or chain", run.Out, StringComparison.Ordinal);
        Assert.Contains("Showing 1-2 of 2", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithFiltersAsJson_ReturnsOnlyMatches()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var run = await Dlq("list", "--status", "422", "--from", "1h", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.False(json.RootElement.TryGetProperty("total", out _)); // not counted for a status filter
        Assert.False(json.RootElement.GetProperty("hasMore").GetBoolean());
        var item = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("o1", item.GetProperty("id").GetString());
        Assert.Equal("orders", item.GetProperty("source").GetString());
        Assert.Equal(422, item.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("--source", "nobody")]
    [InlineData("--to", "2000-01-01T00:00:00Z")]
    [InlineData("--error-code", "membershipExists")]
    public async Task List_WhenNothingMatches_ExitCode3(string option, string value)
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var run = await Dlq("list", option, value);

        Assert.Equal(ExitCodes.NothingMatched, run.ExitCode);
    }

    [Fact]
    public async Task Show_PrintsEnvelopeAttemptsAndTheParsedSeed004Error()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var run = await Dlq("show", "m1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("targetRejected", run.Out, StringComparison.Ordinal);
        Assert.Contains("userEmailConflict", run.Out, StringComparison.Ordinal);
        Assert.Contains("The email is already used within your gym or chain", run.Out, StringComparison.Ordinal);
        Assert.Contains("ACCOUNT", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"member.created\"", run.Out, StringComparison.Ordinal); // body pretty-printed
        Assert.Contains("Attempts", run.Out, StringComparison.Ordinal);
        Assert.Contains("webhook-id", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_AsJson_CarriesTheFullRecord()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var run = await Dlq("show", "m1", "--json");

        using var json = JsonDocument.Parse(run.Out);
        var error = json.RootElement.GetProperty("record").GetProperty("error");
        Assert.Equal("userEmailConflict", error.GetProperty("errorCode").GetString());
        Assert.Equal(409, json.RootElement.GetProperty("record").GetProperty("finalStatus").GetInt32());
    }

    [Fact]
    public async Task Show_UnknownId_ExitCode3()
    {
        var run = await Dlq("show", "missing");

        Assert.Equal(ExitCodes.NothingMatched, run.ExitCode);
        Assert.Contains("missing", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_AsJson_CountsBySourceAndErrorCode()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("m2", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var run = await Dlq("stats", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(3, json.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("bySource").GetProperty("members").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("byErrorCode").GetProperty("userEmailConflict").GetInt32());
    }

    [Fact]
    public async Task Export_WritesJsonLinesToTheFile()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        var file = Path.Combine(Path.GetTempPath(), $"dlq-{Guid.NewGuid():N}.jsonl");
        try
        {
            var run = await Dlq("export", "--out", file);

            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal(2, lines.Length);
            var ids = lines.Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement.GetProperty("id").GetString(); });
            Assert.Equal(["m1", "o1"], ids.Order(StringComparer.Ordinal));
            Assert.Contains("Exported 2 entries", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Export_WithoutOut_StreamsJsonLinesToStdout()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.PoisonAsync("raw é text");

        var run = await Dlq("export", "--error-code", "userEmailConflict");
        var poisoned = await Dlq("export", "--poisoned");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var line = Assert.Single(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("m1", json.RootElement.GetProperty("id").GetString());
        using var raw = JsonDocument.Parse(poisoned.Out);
        Assert.Equal("raw é text", raw.RootElement.GetProperty("record").GetProperty("rawMessage").GetString());
    }

    [Fact]
    public async Task Replay_DryRun_PrintsWhatWouldMove_AndMovesNothing()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var run = await Dlq("replay", "--all", "--source", "members", "--dry-run");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Dry run: 1 of 1", run.Out, StringComparison.Ordinal);
        Assert.Equal(2, await _harness.DeadLetterCountAsync());
        Assert.Equal(0, await _harness.CountAsync(_harness.Queues.Deliveries));
    }

    [Fact]
    public async Task Replay_ById_MovesItBackAndTheWorkerDeliversIt()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        _harness.Members.Default = TargetReply.Of(200);

        var run = await Dlq("replay", "m1", "--rate", "20");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Replayed 1 of 1", run.Out, StringComparison.Ordinal);
        var envelope = EnvelopeSerializer.Deserialize(Assert.Single((await _harness.Queues.Deliveries.PeekMessagesAsync(32)).Value).Body.ToMemory().Span);
        Assert.Equal(("m1", 0, 1), (envelope.Id, envelope.Attempt, envelope.ReplayCount));
        Assert.Equal(DeliveryOutcomeKind.Delivered, Assert.Single(await _harness.ProcessPendingAsync()).Kind);
        Assert.Equal("o1", Assert.Single((await _harness.CreateStore().ListAsync()).Items).Id);
    }

    [Fact]
    public async Task Replay_WithoutIdsOrAll_IsAUsageError()
    {
        await _harness.DeliverOnceAsync("m1", "members");

        var run = await Dlq("replay", "--source", "members");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--all", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, await _harness.DeadLetterCountAsync());
    }

    [Fact]
    public async Task Purge_WithoutYesWhenNotAtATerminal_RefusesAndDeletesNothing()
    {
        await _harness.DeliverOnceAsync("o1", "orders");

        var run = await Dlq("purge", "--all", "--status", "422");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--yes", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, await _harness.DeadLetterCountAsync());
    }

    [Fact]
    public async Task Purge_WithAFilterAndYes_DeletesOnlyMatches()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");
        await _harness.DeliverOnceAsync("o2", "orders");

        var run = await Dlq("purge", "--all", "--status", "422", "--yes");
        var again = await Dlq("purge", "--all", "--status", "422", "--yes");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Deleted 2 of 2", run.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NothingMatched, again.ExitCode);
        Assert.Equal("m1", Assert.Single((await _harness.CreateStore().ListAsync()).Items).Id);
    }

    [Fact]
    public async Task List_ShowsHostPoisonedMessagesMarked()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.PoisonAsync("{\"broken\":");

        var all = await Dlq("list");
        var poisonedOnly = await Dlq("list", "--poisoned", "--json");

        Assert.Contains("[poisoned]", all.Out, StringComparison.Ordinal);
        Assert.Contains("hostPoisoned", all.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(poisonedOnly.Out);
        var item = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray());
        Assert.True(item.GetProperty("poisoned").GetBoolean());
        Assert.Equal("hostPoisoned", item.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("list", "--status", "abc")]
    [InlineData("list", "--take", "0")]
    [InlineData("list", "--from", "yesterday-ish")]
    [InlineData("replay", "--all", "--rate", "0")]
    [InlineData("replay", "--all", "--rate", "fast")]
    [InlineData("nonsense")]
    public async Task BadCommandLines_ExitCode2(params string[] args)
    {
        var run = await CliRun.InvokeAsync([.. args.Take(1).Prepend("dlq"), .. args.Skip(1), .. _harness.CliConnection]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public async Task Settings_FromTheEnvironment_ReachTheSameQueues()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks__Queues__Deliveries"] = _harness.Names.Deliveries,
            ["Webhooks__Queues__DeadLetter"] = _harness.Names.DeadLetter,
        };

        var run = await CliRun.InvokeAsync(["dlq", "list", "--json"], environment);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("\"m1\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutOfRangeDeadLetterSetting_IsAUsageError_NamingIt()
    {
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks__DeadLetters__ReplayConcurrency"] = "0",
        };

        var run = await CliRun.InvokeAsync(["dlq", "list", "--json"], environment);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("error: Webhooks:DeadLetters:ReplayConcurrency '0': The field ReplayConcurrency must be between 1 and 256.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageUnreachable_ExitCode1WithAMessage()
    {
        var run = await CliRun.InvokeAsync(["dlq", "list", "--connection-string", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;"]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("cannot reach Storage", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithAnUnknownReason_IsAUsageError_NamingTheReasons()
    {
        var run = await Dlq("list", "--reason", "bogus");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--reason must be one of targetRejected, retriesExhausted", run.Error, StringComparison.Ordinal);
        Assert.Contains("configurationError", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithAnImpossibleStatus_PrintsTheErrorAndAHint_NotTheWholeHelp()
    {
        var run = await Dlq("list", "--status", "999");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: --status must be an HTTP status from 100 to 599.", run.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'webhooks dlq list --help' for usage.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Options:", run.Error + run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_WhenEmpty_SaysSo_WithoutPlaceholders()
    {
        var run = await Dlq("stats");

        Assert.Equal("No dead-letter entries.", run.Out.Trim());
    }

    [Fact]
    public async Task List_WhenPiped_KeepsLongIdsOnOneLine_WithoutEscapeCodes()
    {
        var id = "evt_" + new string('x', 120);
        await _harness.DeliverOnceAsync(id, "members");

        var run = await Dlq("list");

        Assert.Contains(run.Out.Split('\n'), line => line.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesWithLimitAndContinue_AndSaysWhenMoreExist()
    {
        await _harness.DeliverOnceAsync("m1", "members");
        await _harness.DeliverOnceAsync("o1", "orders");

        var first = await Dlq("list", "--limit", "1", "--json");
        using var firstJson = JsonDocument.Parse(first.Out);
        var token = firstJson.RootElement.GetProperty("continuation").GetString()!;
        var second = await Dlq("list", "--limit", "1", "--continue", token, "--json");
        var text = await Dlq("list", "--limit", "1");
        var foreign = await Dlq("list", "--continue", "bm90IG91cnM");

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Equal("o1", firstJson.RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        using var secondJson = JsonDocument.Parse(second.Out);
        Assert.Equal("m1", secondJson.RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.False(secondJson.RootElement.GetProperty("hasMore").GetBoolean());
        Assert.Contains("More entries exist", text.Out, StringComparison.Ordinal);
        Assert.NotEqual(ExitCodes.Ok, foreign.ExitCode);
    }

    private Task<CliRun> Dlq(params string[] args) => CliRun.InvokeAsync(["dlq", .. args, .. _harness.CliConnection]);
}
