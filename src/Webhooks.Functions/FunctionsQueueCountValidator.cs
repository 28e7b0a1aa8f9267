using Microsoft.Extensions.Options;
using Webhooks.Configuration;

namespace Webhooks.Functions;

/// <summary>
/// Refuses a <c>Webhooks:Queues:Count</c> above the triggers this app has: intake would spread deliveries over queues
/// that no function drains, and they would wait there until they expire.
/// </summary>
internal sealed class FunctionsQueueCountValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options) =>
        options.Queues.Count > DeliverWebhook.WiredQueueCount
            ? ValidateOptionsResult.Fail(
                $"Webhooks:Queues:Count is {options.Queues.Count}, but the Functions app has queue triggers for {DeliverWebhook.WiredQueueCount} delivery queues; set it to {DeliverWebhook.WiredQueueCount} or less (or run the Kestrel host, which drains up to {QueueNamesOptions.MaxCount}).")
            : ValidateOptionsResult.Success;
}
