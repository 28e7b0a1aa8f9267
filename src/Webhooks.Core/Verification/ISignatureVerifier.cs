using Webhooks.Configuration;
using Webhooks.Intake;

namespace Webhooks.Verification;

/// <summary>
/// Decides whether a delivery really comes from the source's sender. Verifiers see headers and raw body bytes,
/// never a host's HTTP types; they compare in constant time and take the time from the context.
/// </summary>
public interface ISignatureVerifier
{
    /// <summary>The scheme name it handles (see <see cref="VerificationSchemes"/>).</summary>
    string Scheme { get; }

    /// <summary>Checks one delivery.</summary>
    VerificationResult Verify(VerificationContext context);
}

/// <summary>What a verifier needs.</summary>
/// <param name="SourceName">The source the request arrived on.</param>
/// <param name="Source">Its options (secrets, header names, tolerance).</param>
/// <param name="Headers">The request headers.</param>
/// <param name="Body">The raw body bytes.</param>
/// <param name="Now">The current time, from the injected <see cref="TimeProvider"/>.</param>
/// <param name="AllSources">Every configured source, so an <c>api-key</c> valid elsewhere can be told apart (403) from a wrong one (401).</param>
public sealed record VerificationContext(
    string SourceName,
    SourceOptions Source,
    IRequestHeaders Headers,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset Now,
    IReadOnlyDictionary<string, SourceOptions> AllSources)
{
    /// <summary>
    /// Where body MACs come from when the body is too large to hold (<see cref="Body"/> is then empty); null means
    /// "compute them over <see cref="Body"/>".
    /// </summary>
    public IBodyMacs? Macs { get; init; }

    /// <summary>
    /// HMAC-SHA256 of UTF-8(<paramref name="prefix"/>) followed by the body, under every usable secret, concatenated
    /// (see <see cref="MacComputation.ComputeForEverySecret"/>). Verifiers get body MACs only through this.
    /// </summary>
    public byte[] ComputeMacs(IReadOnlyList<string>? secrets, Func<string, byte[]> keyOf, string prefix) =>
        Macs is { } macs
            ? macs.ComputeForEverySecret(secrets, keyOf, prefix)
            : MacComputation.ComputeForEverySecret(secrets, keyOf, prefix, Body.Span);
}

/// <summary>A source of body MACs for bodies that are streamed rather than held (see <see cref="VerificationContext.Macs"/>).</summary>
public interface IBodyMacs
{
    /// <summary>The same result as <see cref="MacComputation.ComputeForEverySecret"/> over the body.</summary>
    byte[] ComputeForEverySecret(IReadOnlyList<string>? secrets, Func<string, byte[]> keyOf, string prefix);
}

/// <summary>The verdict.</summary>
public readonly record struct VerificationResult(bool Succeeded, int Status, string? ErrorCode, string? Message)
{
    /// <summary>Verified.</summary>
    public static VerificationResult Success { get; } = new(true, 200, null, null);

    /// <summary>401: missing, invalid, stale.</summary>
    public static VerificationResult Unauthorized(string errorCode, string message) => new(false, 401, errorCode, message);

    /// <summary>403: authenticated but not allowed here.</summary>
    public static VerificationResult Forbidden(string errorCode, string message) => new(false, 403, errorCode, message);
}
