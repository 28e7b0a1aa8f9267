using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// <c>none</c>: accepts everything. For local development only; <see cref="VerifierRegistry.IsAllowed"/> refuses it
/// outside Development and the intake must not load such a source.
/// </summary>
public sealed class NoneVerifier : ISignatureVerifier
{
    /// <inheritdoc />
    public string Scheme => VerificationSchemes.None;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context) => VerificationResult.Success;
}
