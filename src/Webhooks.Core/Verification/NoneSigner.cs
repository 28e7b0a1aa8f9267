using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>For a <c>none</c> source: sends only <c>webhook-id</c>, so the receiver keeps our delivery id.</summary>
public sealed class NoneSigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static NoneSigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.None;

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new([new(StandardWebhooksVerifier.IdHeader, context.Id)]);
    }
}
