using System.Collections.Concurrent;
using System.Security.Cryptography;
using Webhooks.Harness.Targets;

namespace Webhooks.Harness.Load;

/// <summary>
/// The digest of every body the load generator sent, by delivery id, checked against what a hashing
/// <see cref="LoopbackTarget"/> received: proof that a body went through intake, storage and the worker
/// byte-for-byte. Thread-safe.
/// </summary>
public sealed class SentBodies
{
    private readonly ConcurrentDictionary<string, BodyDigest> _sent = new(StringComparer.Ordinal);

    /// <summary>Bodies recorded.</summary>
    public int Count => _sent.Count;

    /// <summary>Records the body sent as delivery <paramref name="id"/>.</summary>
    public void Record(string id, ReadOnlySpan<byte> body) =>
        _sent[id] = new BodyDigest(body.Length, Convert.ToHexStringLower(SHA256.HashData(body)));

    /// <summary>
    /// Checks the ids in <paramref name="ids"/> at the target: verified when answered 2xx and every body received
    /// for it (retries included) has the sent length and SHA-256; otherwise one problem line per fault.
    /// </summary>
    public BodyCheck Check(LoopbackTarget target, IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(ids);
        var problems = new List<string>();
        var verified = 0;
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            var before = problems.Count;
            if (!_sent.TryGetValue(id, out var sent))
            {
                problems.Add($"{id}: never sent");
            }
            else if (!target.Histories.TryGetValue(id, out var history) || history.Successes == 0)
            {
                problems.Add($"{id}: not delivered (no 2xx at the target)");
            }
            else if (history.Bodies.Count == 0)
            {
                problems.Add($"{id}: delivered, but the target recorded no body digest (is it hashing bodies?)");
            }
            else
            {
                foreach (var wrong in history.Bodies.Where(b => b != sent))
                {
                    problems.Add($"{id}: sent {sent.Length} bytes sha256 {sent.Sha256}, received {wrong.Length} bytes sha256 {wrong.Sha256}");
                }
            }

            verified += problems.Count == before ? 1 : 0;
        }

        return new BodyCheck(verified, problems);
    }
}

/// <summary>The outcome of <see cref="SentBodies.Check"/>.</summary>
/// <param name="Verified">Deliveries received byte-for-byte.</param>
/// <param name="Problems">One line per fault (an id may have several), empty when all match.</param>
public sealed record BodyCheck(int Verified, IReadOnlyList<string> Problems);
