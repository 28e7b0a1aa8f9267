using System.Buffers;
using System.Security.Cryptography;
using Webhooks.AzureStorage;
using Webhooks.Payloads;
using Webhooks.Verification;

namespace Webhooks.Intake.Streaming;

/// <summary>
/// What intake learned from a body too large to hold, in one pass as it streamed from the sender: its length and
/// SHA-256, its MACs (through <see cref="StreamedBodyMacs"/>), whether it is UTF-8 JSON, what sits at the watched
/// paths, and its bytes staged as uncommitted blocks of the payload blob. Memory: one read chunk plus the
/// upload's one block, whatever the body's size.
/// </summary>
internal sealed class StreamedBody
{
    /// <summary>The read chunk size.</summary>
    public const int ChunkSize = 64 * 1024;

    private StreamedBody(JsonPathWatch watch)
    {
        Watch = watch;
    }

    /// <summary>True when the body passed the limit; only limit+1 bytes were read and nothing else is meaningful.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>Bytes read.</summary>
    public long Length { get; private set; }

    /// <summary>SHA-256 of the body.</summary>
    public byte[] Sha256 { get; private set; } = [];

    /// <summary>False when the body is not valid UTF-8.</summary>
    public bool IsUtf8 { get; private set; }

    /// <summary>Why the body is not JSON, or null when it is.</summary>
    public string? JsonError { get; private set; }

    /// <summary>What was seen at the watched paths.</summary>
    public JsonPathWatch Watch { get; }

    /// <summary>The storage failure that stopped the upload, if one did (the body was still read and checked).</summary>
    public Exception? UploadFailure { get; private set; }

    /// <summary>
    /// Streams <paramref name="head"/> and then the rest of <paramref name="rest"/>, reading at most
    /// <paramref name="maxBytes"/>+1 bytes, into every consumer. <paramref name="upload"/> may be null (nothing is
    /// staged, e.g. for a request already known to be refused).
    /// </summary>
    public static async Task<StreamedBody> ReadAsync(
        ReadOnlyMemory<byte> head, Stream rest, long maxBytes, StreamedBodyMacs? macs, JsonPathWatch watch, BlockBlobWriter? upload, CancellationToken cancellationToken)
    {
        var body = new StreamedBody(watch);
        var json = new StreamingJsonValidator(watch);
        var utf8 = new Utf8Validator();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var chunk = head;
            while (true)
            {
                if (body.Length + chunk.Length > maxBytes)
                {
                    body.TooLarge = true;
                    return body;
                }

                body.Length += chunk.Length;
                sha256.AppendData(chunk.Span);
                macs?.Append(chunk.Span);
                utf8.Append(chunk.Span);
                json.Append(chunk.Span);
                upload = await StageAsync(body, upload, chunk, cancellationToken).ConfigureAwait(false);

                var want = (int)Math.Min(buffer.Length, maxBytes + 1 - body.Length);
                var read = await rest.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                chunk = buffer.AsMemory(0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        utf8.Complete();
        json.Complete();
        body.Sha256 = sha256.GetHashAndReset();
        body.IsUtf8 = utf8.IsValid;
        body.JsonError = json.Error;
        return body;
    }

    // Keeps reading and checking after a storage failure: the sender still gets the answer its body deserves.
    private static async Task<BlockBlobWriter?> StageAsync(StreamedBody body, BlockBlobWriter? upload, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (upload is null || chunk.IsEmpty)
        {
            return upload;
        }

        try
        {
            await upload.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            return upload;
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, cancellationToken))
        {
            body.UploadFailure = ex;
            return null;
        }
    }
}
