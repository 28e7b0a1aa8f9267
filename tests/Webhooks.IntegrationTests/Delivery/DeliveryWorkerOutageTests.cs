using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.Delivery;

/// <summary>The worker when storage goes away: it keeps polling with back-off and picks up again when storage returns.</summary>
public sealed class DeliveryWorkerOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Its own emulator: this test stops it.
    private readonly AzuriteFixture _azurite = new();
    private ScriptedTarget _target = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _target = await ScriptedTarget.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task StorageOutage_WorkerSurvivesAndDeliversOnceStorageIsBack()
    {
        await using var host = await DeliveryHost.CreateAsync(_azurite, _target.Url, output);
        using var worker = host.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await Task.Delay(300);

        await _azurite.StopAsync();
        await Task.Delay(800); // several failed polls
        await _azurite.StartAsync();
        await host.EnqueueAsync(DeliveryHost.Envelope("evt_after_outage"));
        var requests = await _target.WaitForAnsweredAsync(1, TimeSpan.FromSeconds(8));
        await host.WaitUntilEmptyAsync(host.Queues.Deliveries, TimeSpan.FromSeconds(5));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal("evt_after_outage", Assert.Single(requests).Header("Idempotency-Key"));
    }
}
