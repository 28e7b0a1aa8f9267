namespace Webhooks.Delivery;

/// <summary>The SSRF guard refused to connect to a target. Retrying cannot help; the message says why.</summary>
public sealed class TargetRefusedException(string message) : Exception(message);
