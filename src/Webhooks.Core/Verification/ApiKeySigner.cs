using Webhooks.Configuration;

namespace Webhooks.Verification;

/// <summary>
/// "Signs" for an <c>api-key</c> source: the key itself in the source's key header (default <c>x-api-key</c>). Also
/// sends <c>webhook-id</c> so the receiver keeps our delivery id.
/// </summary>
public sealed class ApiKeySigner : IWebhookSigner
{
    /// <summary>The shared instance (the signer is stateless).</summary>
    public static ApiKeySigner Instance { get; } = new();

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.ApiKey;

    /// <inheritdoc />
    public SignatureHeaders CreateHeaders(SigningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(context.Secret);
        var source = context.Source ?? new SourceOptions { Verification = VerificationSchemes.ApiKey };
        return new(
        [
            new(ApiKeyVerifier.HeaderNameOf(source), context.Secret),
            new(StandardWebhooksVerifier.IdHeader, context.Id),
        ]);
    }
}
