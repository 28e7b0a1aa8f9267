namespace Webhooks.Intake;

/// <summary>
/// The provider headers kept on the envelope: what identifies the delivery and its event, for forwarding to the
/// target and for operators. Signatures and credentials are not kept — they prove nothing to the target and would
/// sit in the dead-letter queue.
/// </summary>
public static class ForwardedHeaders
{
    private static readonly string[] Kept =
    [
        "webhook-id", "webhook-timestamp", "svix-id", "svix-timestamp",
        "X-GitHub-Delivery", "X-GitHub-Event", "X-GitHub-Hook-ID", "X-GitHub-Hook-Installation-Target-ID",
        "aeg-event-type", "aeg-subscription-name", "aeg-delivery-count",
        "ce-id", "ce-type", "ce-source", "ce-specversion", "ce-subject", "ce-time",
        "X-Event-Type", "X-Event-Name", "X-Request-Id", "Idempotency-Key", "User-Agent",
    ];

    /// <summary>The kept headers present on a request, with lower-case names.</summary>
    public static Dictionary<string, string> Capture(IRequestHeaders headers)
    {
        var captured = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Kept)
        {
            if (headers[name] is { Length: > 0 and <= 1024 } value)
            {
                captured[name.ToLowerInvariant()] = value;
            }
        }

        return captured;
    }
}
