namespace Webhooks.Delivery;

/// <summary>Why an outbound call produced no HTTP status.</summary>
public enum DeliveryFailureKind
{
    /// <summary>The target answered; see the status.</summary>
    None = 0,

    /// <summary>No complete answer within the per-target timeout.</summary>
    Timeout,

    /// <summary>DNS failure, refused or reset connection, TLS failure, malformed response.</summary>
    ConnectionFailure,

    /// <summary>The SSRF guard refused the target's address or scheme; retrying cannot help.</summary>
    Refused,

    /// <summary>The call could not be made (a bug or a bad setting); retrying cannot help.</summary>
    ConfigurationError,

    /// <summary>No token could be had for a <c>bearer</c> target: every call to it would fail alike, so it is paused.</summary>
    CredentialFailure,
}
