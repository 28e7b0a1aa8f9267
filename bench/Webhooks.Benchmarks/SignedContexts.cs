using Webhooks.Configuration;
using Webhooks.Verification;

namespace Webhooks.Benchmarks;

/// <summary>Builds a verifiable delivery for a scheme, signed with the source's second secret.</summary>
public static class SignedContexts
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 30, TimeSpan.Zero);

    /// <summary>The verifier and a context that passes it.</summary>
    public static (ISignatureVerifier Verifier, VerificationContext Context) Create(string scheme, int bodyBytes)
    {
        var secrets = scheme switch
        {
            VerificationSchemes.StandardWebhooks => new List<string> { "whsec_b2xkLXNlY3JldC1iZWluZy1yb3RhdGVkLW91dA==", SamplePayloads.Secret },
            VerificationSchemes.ApiKey => ["old-key-0123456789", "new-key-0123456789"],
            _ => ["old-secret-0123456789", "new-secret-0123456789"],
        };
        var source = new SourceOptions { Verification = scheme, Secrets = secrets };
        var body = SamplePayloads.Json(bodyBytes);
        var headers = WebhookSigners.Get(scheme)
            .CreateHeaders(new SigningContext(secrets[1], "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Now, body, source))
            .ToRequestHeaders();
        var sources = new Dictionary<string, SourceOptions>(StringComparer.OrdinalIgnoreCase) { ["shop"] = source };
        var verifier = VerifierRegistry.Get(scheme);
        var context = new VerificationContext("shop", source, headers, body, Now, sources);
        if (!verifier.Verify(context).Succeeded)
        {
            throw new InvalidOperationException($"The {scheme} benchmark delivery does not verify; the benchmark would measure a refusal.");
        }

        return (verifier, context);
    }
}
