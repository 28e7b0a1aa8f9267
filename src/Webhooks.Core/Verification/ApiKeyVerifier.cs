using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Verification;

/// <summary>
/// <c>api-key</c>: a shared key in <see cref="SourceOptions.ApiKeyHeader"/> (default <c>x-api-key</c>, as in seed
/// 004). One of this source's secrets → success; a key of another <c>api-key</c> source → 403 (authenticated, but
/// not for this source); anything else → 401. Keys are compared as SHA-256 digests in constant time, so neither
/// content nor length leaks through timing. Only other <c>api-key</c> sources count: a signing secret of an HMAC
/// source is not an API key, and the 403 must not become an oracle for guessing one.
/// </summary>
public sealed class ApiKeyVerifier : ISignatureVerifier
{
    /// <summary>The header used when the source names none.</summary>
    public const string DefaultHeader = "x-api-key";

    private const int StackKeyBytes = 256;

    /// <inheritdoc />
    public string Scheme => VerificationSchemes.ApiKey;

    /// <inheritdoc />
    public VerificationResult Verify(VerificationContext context)
    {
        var headerName = HeaderNameOf(context.Source);
        var presented = context.Headers[headerName];
        if (string.IsNullOrEmpty(presented))
        {
            return VerificationResult.Unauthorized(ErrorCodes.MissingApiKey, $"The {headerName} header is required.");
        }

        Span<byte> presentedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(presented, presentedDigest);

        if (MatchesAnySecret(context.Source, presentedDigest))
        {
            return VerificationResult.Success;
        }

        foreach (var (name, other) in context.AllSources ?? new Dictionary<string, SourceOptions>())
        {
            if (other is null
                || ReferenceEquals(other, context.Source)
                || string.Equals(name, context.SourceName, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(other.Verification, VerificationSchemes.ApiKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (MatchesAnySecret(other, presentedDigest))
            {
                return VerificationResult.Forbidden(ErrorCodes.ForbiddenAction, "The API key is valid, but not for this source.");
            }
        }

        return VerificationResult.Unauthorized(ErrorCodes.InvalidApiKey, $"The {headerName} header does not hold a valid API key.");
    }

    /// <summary>The key header of a source, falling back to <see cref="DefaultHeader"/>.</summary>
    internal static string HeaderNameOf(SourceOptions source) =>
        string.IsNullOrWhiteSpace(source.ApiKeyHeader) ? DefaultHeader : source.ApiKeyHeader;

    private static bool MatchesAnySecret(SourceOptions source, ReadOnlySpan<byte> presentedDigest)
    {
        if (source.Secrets is null)
        {
            return false;
        }

        Span<byte> secretDigest = stackalloc byte[SHA256.HashSizeInBytes];
        var found = false;
        foreach (var secret in source.Secrets)
        {
            // A blank secret is a configuration slip, never a key that an empty header could match.
            if (string.IsNullOrWhiteSpace(secret))
            {
                continue;
            }

            Digest(secret, secretDigest);
            found |= CryptographicOperations.FixedTimeEquals(secretDigest, presentedDigest);
        }

        return found;
    }

    private static void Digest(string key, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var written = Encoding.UTF8.GetBytes(key, buffer);
        SHA256.HashData(buffer[..written], destination);
        CryptographicOperations.ZeroMemory(buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
