using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Webhooks.Envelopes;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Contracts;

namespace Webhooks.Functions.Tests;

/// <summary>
/// The Functions app answers every request of the shared HTTP contract exactly as the Kestrel host does
/// (tests/Webhooks.IntegrationTests/Hosting/KestrelHttpContractTests runs the same cases there).
/// </summary>
public sealed class FunctionsHttpContractTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _deliveries = UniqueNames.Queue("fncontract");
    private FunctionsHost _host = null!;

    public async Task InitializeAsync()
    {
        // The Kestrel host creates its queues at start; infra creates them in Azure. Here the test does.
        var queues = new QueueServiceClient(azurite.ConnectionString);
        foreach (var name in new[] { _deliveries, _deliveries + "-dlq", _deliveries + "-poison" })
        {
            await queues.GetQueueClient(name).CreateIfNotExistsAsync();
        }

        _host = new FunctionsHost(HttpContract.Settings(azurite.ConnectionString, _deliveries));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(HttpContract.CaseNames), MemberType = typeof(HttpContract))]
    public async Task Function_AnswersAsTheContractSays(string caseName)
    {
        var contractCase = HttpContract.Get(caseName);

        var answer = await _host.SendAsync(contractCase.Build(DateTimeOffset.UtcNow));

        HttpContract.AssertAnswer(contractCase, answer);
    }

    [Fact]
    public async Task SignedDelivery_IsOnTheQueue_Base64Encoded_AfterThe202()
    {
        var contractCase = HttpContract.Get("intake_signed_202");

        var answer = await _host.SendAsync(contractCase.Build(DateTimeOffset.UtcNow));

        Assert.Equal(202, answer.Status);
        using var accepted = JsonDocument.Parse(answer.Body);
        var id = accepted.RootElement.GetProperty("id").GetString();
        var queue = new QueueClient(azurite.ConnectionString, _deliveries, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var peeked = await queue.PeekMessagesAsync(32);
        var queued = Assert.Single(peeked.Value.Select(m => EnvelopeSerializer.Deserialize(m.Body.ToMemory().Span)), e => e.Id == id);
        Assert.Equal("shop", queued.Source);
        Assert.Equal("{\"type\":\"order.created\"}", Encoding.UTF8.GetString(queued.Body!));
    }
}
