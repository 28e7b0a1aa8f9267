using System.Net;
using System.Text.Json;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Scale;

/// <summary>Provider resends reaching different instances of one deployment: queued once, answered consistently.</summary>
public sealed class DuplicateDeliveryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task SameIdAndBody_OnASecondInstance_Is200DuplicateWithTheOriginal_AndQueuedOnce()
    {
        var hosts = new ScaleHosts(azurite);
        await using var first = hosts.Intake();
        await using var second = hosts.Intake();
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();
        const string Body = """{"type":"invoice.paid","data":{"id":"in_1"}}""";

        using var accepted = await firstClient.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, Body, "msg_dup", DateTimeOffset.UtcNow));
        // The provider's retry: re-signed with a new timestamp, same id and body, to another instance.
        using var resent = await secondClient.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, Body, "msg_dup", DateTimeOffset.UtcNow.AddSeconds(30)));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        using var original = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync());
        using var duplicate = JsonDocument.Parse(await resent.Content.ReadAsStringAsync());
        Assert.Equal("msg_dup", duplicate.RootElement.GetProperty("id").GetString());
        Assert.Equal("duplicate", duplicate.RootElement.GetProperty("status").GetString());
        Assert.Equal(original.RootElement.GetProperty("receivedAt").GetDateTimeOffset(), duplicate.RootElement.GetProperty("receivedAt").GetDateTimeOffset());
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(hosts.Deliveries);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task SameId_DifferentBody_OnASecondInstance_Is409DuplicateDeliveryConflict_AndNotQueued()
    {
        var hosts = new ScaleHosts(azurite);
        await using var first = hosts.Intake();
        await using var second = hosts.Intake();
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();

        using var accepted = await firstClient.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, """{"amount":100}""", "msg_conflict", DateTimeOffset.UtcNow));
        using var conflicting = await secondClient.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, """{"amount":999}""", "msg_conflict", DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);
        Assert.Equal("application/problem+json", conflicting.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await conflicting.Content.ReadAsStringAsync());
        Assert.Equal("duplicateDeliveryConflict", problem.RootElement.GetProperty("errorCode").GetString());
        Assert.Contains("msg_conflict", problem.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(hosts.Deliveries);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task SameBody_UnderTwoIds_IsTwoDeliveries()
    {
        var hosts = new ScaleHosts(azurite);
        await using var host = hosts.Intake();
        using var client = host.CreateClient();

        // Duplicates are recognised by the provider's id; identical content under another id is another event.
        using var one = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, """{"n":1}""", "msg_a", DateTimeOffset.UtcNow));
        using var two = await client.SendAsync(SignedRequests.StandardWebhooks(ScaleHosts.Source, """{"n":1}""", "msg_b", DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, two.StatusCode);
        var queue = azurite.CreateQueueServiceClient().GetQueueClient(hosts.Deliveries);
        Assert.Equal(2, ((await queue.PeekMessagesAsync(32)).Value).Length);
    }
}
