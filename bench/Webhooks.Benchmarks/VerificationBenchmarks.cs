using BenchmarkDotNet.Attributes;
using Webhooks.Configuration;
using Webhooks.Verification;

namespace Webhooks.Benchmarks;

/// <summary>One signed 1 KiB delivery verified under each scheme, with two secrets configured (rotation).</summary>
public class VerificationBenchmarks
{
    private ISignatureVerifier _verifier = null!;
    private VerificationContext _context = null!;

    /// <summary>The scheme under test.</summary>
    [Params(
        VerificationSchemes.StandardWebhooks,
        VerificationSchemes.GitHub,
        VerificationSchemes.Stripe,
        VerificationSchemes.Slack,
        VerificationSchemes.HmacSha256,
        VerificationSchemes.ApiKey)]
    public string Scheme { get; set; } = VerificationSchemes.StandardWebhooks;

    /// <summary>The body size in bytes; 16 KiB shows the body is hashed in place, never copied.</summary>
    [Params(1024, 16 * 1024)]
    public int BodyBytes { get; set; } = 1024;

    /// <summary>Signs the body with the second secret, so both are tried, as during a rotation.</summary>
    [GlobalSetup]
    public void Setup() => (_verifier, _context) = SignedContexts.Create(Scheme, BodyBytes);

    /// <summary>Verifies the delivery.</summary>
    [Benchmark]
    public bool Verify() => _verifier.Verify(_context).Succeeded;
}
