using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Webhooks.Verification;

namespace Webhooks.Delivery;

/// <summary>
/// Standard Webhooks headers for a body read from a stream (a claim-check blob): the same signature as
/// <see cref="StandardWebhooksSigner"/>, computed incrementally so the body is never held. The headers must be set
/// before the body is sent, so the body is copied to <c>spool</c> as it is hashed and sent from there: the blob is
/// read once.
/// </summary>
internal static class StreamedBodySigner
{
    /// <summary>The <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> headers.</summary>
    public static async Task<SignatureHeaders> CreateHeadersAsync(string secret, string id, DateTimeOffset timestamp, Stream body, Stream? spool, CancellationToken cancellationToken)
    {
        var unixSeconds = StandardWebhooksSigner.UnixSeconds(timestamp);
        var key = StandardWebhooksSecret.DecodeKey(secret);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{unixSeconds}."));
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hmac.AppendData(buffer.AsSpan(0, read));
                if (spool is not null)
                {
                    await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            return new SignatureHeaders(
            [
                new(StandardWebhooksVerifier.IdHeader, id),
                new(StandardWebhooksVerifier.TimestampHeader, unixSeconds),
                new(StandardWebhooksVerifier.SignatureHeader, StandardWebhooksVerifier.VersionPrefix + Convert.ToBase64String(hmac.GetHashAndReset())),
            ]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
