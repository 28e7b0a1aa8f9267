using Microsoft.Azure.Functions.Worker;
using Webhooks.Delivery;

namespace Webhooks.Functions;

/// <summary>The delivery worker: one queued delivery per invocation, decided by the engine.</summary>
/// <remarks>
/// Returning lets the host delete the message. The engine has already acted by then: done, or a delayed copy
/// re-enqueued (requeue), or the dead-letter record written. Only a genuinely unexpected failure throws; the host
/// then retries it up to <c>maxDequeueCount</c> (host.json) and moves it to <c>&lt;queue&gt;-poison</c>.
/// </remarks>
public sealed class DeliverWebhook(DeliveryProcessor processor)
{
    /// <summary>
    /// The deliveries queue, resolved by the host from the app setting <c>Webhooks:Queues:Deliveries</c>
    /// (env <c>Webhooks__Queues__Deliveries</c>). The setting must exist, or the function fails to index.
    /// </summary>
    public const string QueueName = "%Webhooks:Queues:Deliveries%";

    /// <summary>Binds the message text (the host has already base64-decoded it) as bytes.</summary>
    [Function(nameof(DeliverWebhook))]
    public Task Run(
        [QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] BinaryData message,
        CancellationToken cancellationToken) =>
        processor.ProcessTriggeredAsync(message, cancellationToken);
}
