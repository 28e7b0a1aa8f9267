using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;

namespace Webhooks.Functions;

/// <summary>The delivery worker: one queued delivery per invocation, decided by the engine, one trigger per delivery queue.</summary>
/// <remarks>
/// <para>
/// Returning lets the host delete the message. The engine has already acted by then: done, or a delayed copy
/// re-enqueued (requeue), or the dead-letter record written. Only a genuinely unexpected failure throws; the host
/// then retries it up to <c>maxDequeueCount</c> (host.json) and moves it to <c>&lt;queue&gt;-poison</c>.
/// </para>
/// <para>
/// A trigger listens on exactly one queue, so each of the <see cref="WiredQueueCount"/> delivery queues intake may
/// spread over (<c>Webhooks:Queues:Count</c>) has its own function. Triggers past the configured count are disabled
/// with <c>AzureWebJobs.DeliverWebhookN.Disabled</c> (infra sets them; see docs/functions.md), and a count above
/// <see cref="WiredQueueCount"/> stops the app at start (<see cref="FunctionsQueueCountValidator"/>).
/// </para>
/// </remarks>
public sealed class DeliverWebhook(DeliveryProcessor processor, IOptionsMonitor<WebhooksOptions> options)
{
    /// <summary>How many delivery queues have a trigger here.</summary>
    public const int WiredQueueCount = 8;

    /// <summary>
    /// Delivery queue 0, resolved by the host from the app setting <c>Webhooks:Queues:Deliveries</c>
    /// (env <c>Webhooks__Queues__Deliveries</c>). The setting must exist, or the function fails to index.
    /// Queue N is <c>&lt;that name&gt;-N</c>, as <see cref="QueueNamesOptions.DeliveryQueueName"/> names it.
    /// </summary>
    public const string QueueName = "%Webhooks:Queues:Deliveries%";

    private const string Connection = "AzureWebJobsStorage";

    /// <summary>Queue 0. The message text arrives base64-decoded by the host (host.json <c>messageEncoding</c>).</summary>
    [Function(nameof(DeliverWebhook))]
    public Task Run([QueueTrigger(QueueName, Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(0, message, cancellationToken);

    /// <summary>Queue 1.</summary>
    [Function(nameof(DeliverWebhook) + "1")]
    public Task Run1([QueueTrigger(QueueName + "-1", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(1, message, cancellationToken);

    /// <summary>Queue 2.</summary>
    [Function(nameof(DeliverWebhook) + "2")]
    public Task Run2([QueueTrigger(QueueName + "-2", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(2, message, cancellationToken);

    /// <summary>Queue 3.</summary>
    [Function(nameof(DeliverWebhook) + "3")]
    public Task Run3([QueueTrigger(QueueName + "-3", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(3, message, cancellationToken);

    /// <summary>Queue 4.</summary>
    [Function(nameof(DeliverWebhook) + "4")]
    public Task Run4([QueueTrigger(QueueName + "-4", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(4, message, cancellationToken);

    /// <summary>Queue 5.</summary>
    [Function(nameof(DeliverWebhook) + "5")]
    public Task Run5([QueueTrigger(QueueName + "-5", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(5, message, cancellationToken);

    /// <summary>Queue 6.</summary>
    [Function(nameof(DeliverWebhook) + "6")]
    public Task Run6([QueueTrigger(QueueName + "-6", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(6, message, cancellationToken);

    /// <summary>Queue 7.</summary>
    [Function(nameof(DeliverWebhook) + "7")]
    public Task Run7([QueueTrigger(QueueName + "-7", Connection = Connection)] BinaryData message, CancellationToken cancellationToken) =>
        ProcessAsync(7, message, cancellationToken);

    // Requeues go back to the queue the message came from, so a partition keeps its queue.
    private Task ProcessAsync(int queueIndex, BinaryData message, CancellationToken cancellationToken) =>
        processor.ProcessTriggeredAsync(message, options.CurrentValue.Queues.DeliveryQueueName(queueIndex), cancellationToken);
}
