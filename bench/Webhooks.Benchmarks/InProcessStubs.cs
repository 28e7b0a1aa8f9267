using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Dedup;
using Webhooks.Envelopes;
using Webhooks.Hosting;
using Webhooks.Queuing;

namespace Webhooks.Benchmarks;

/// <summary>The engine as the hosts register it, on a fixed clock, with the storage writes intake makes kept in process.</summary>
internal static class StubbedEngine
{
    /// <summary>
    /// <c>AddWebhooks</c> from <paramref name="settings"/>, with <see cref="DiscardingQueue"/> and
    /// <see cref="AlwaysNewDeduplicator"/> registered first (both are <c>TryAdd</c>-registered), then
    /// <paramref name="configure"/> for anything more to replace (a later registration of a service wins).
    /// </summary>
    public static ServiceProvider Build(IDictionary<string, string?> settings, DateTimeOffset now, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(now));
        services.AddSingleton<IDeliveryQueue, DiscardingQueue>();
        services.AddSingleton<IDeliveryDeduplicator, AlwaysNewDeduplicator>();
        services.AddWebhooks(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}

/// <summary>A queue that accepts every envelope and keeps none: the engine's work is measured, not the storage call.</summary>
internal sealed class DiscardingQueue : IDeliveryQueue
{
    /// <inheritdoc />
    public int MaxEnvelopeBytes => 48 * 1024;

    /// <inheritdoc />
    public Task EnqueueAsync(DeliveryEnvelope envelope, ReadOnlyMemory<byte> serializedEnvelope, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}

/// <summary>Every id is new: intake's dedup path runs (body hash, claim, confirm) without a blob store.</summary>
internal sealed class AlwaysNewDeduplicator : IDeliveryDeduplicator
{
    /// <inheritdoc />
    public Task<DedupClaim> ClaimAsync(string source, string deliveryId, ReadOnlyMemory<byte> bodySha256, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DedupClaim(DedupVerdict.New, null, new DedupTicket(deliveryId, "1", DedupRecord.Pending(source, deliveryId, bodySha256.Span, receivedAt))));

    /// <inheritdoc />
    public Task ConfirmAsync(DedupTicket ticket, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ReleaseAsync(DedupTicket ticket, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
