using System.Security.Cryptography;
using System.Text;

namespace Webhooks.Verification;

/// <summary>
/// Body MACs for a body that streams past instead of being held, in two verifier passes over the same headers:
/// a <em>planning</em> pass before the body is read records which (key, prefix) MACs the verifier asks for and
/// starts an incremental HMAC for each; the body's chunks are then fed to all of them with <see cref="Append"/>;
/// after <see cref="Seal"/> an <em>answering</em> pass hands the verifier the real MACs, in the order it asks.
/// </summary>
/// <remarks>
/// The planning pass answers with zeros, so its verdict means nothing when <see cref="Requested"/> is true; when it
/// is false, the verifier decided from the headers alone (a missing or stale signature, or a scheme that does not
/// sign the body) and that verdict is final. Verifiers are pure functions of the context, so both passes ask the
/// same questions; an answer to a question that was not planned is empty, which fails verification safely.
/// </remarks>
internal sealed class StreamedBodyMacs : IBodyMacs, IDisposable
{
    private readonly List<Planned> _planned = [];
    private bool _sealed;
    private int _answered;

    /// <summary>True when the planning pass asked for body MACs.</summary>
    public bool Requested => _planned.Count > 0;

    /// <inheritdoc />
    public byte[] ComputeForEverySecret(IReadOnlyList<string>? secrets, Func<string, byte[]> keyOf, string prefix)
    {
        if (_sealed)
        {
            var planned = _answered < _planned.Count ? _planned[_answered++] : null;
            return planned is not null && planned.Prefix == prefix ? planned.Result! : [];
        }

        var hmacs = new List<IncrementalHash>();
        foreach (var secret in secrets ?? [])
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                continue;
            }

            var key = keyOf(secret);
            if (key.Length > 0)
            {
                var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
                hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
                hmacs.Add(hmac);
            }

            CryptographicOperations.ZeroMemory(key);
        }

        _planned.Add(new Planned(prefix, hmacs));
        return new byte[hmacs.Count * MacComputation.MacSize];
    }

    /// <summary>Feeds the next body chunk to every planned MAC.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        foreach (var planned in _planned)
        {
            foreach (var hmac in planned.Hmacs)
            {
                hmac.AppendData(chunk);
            }
        }
    }

    /// <summary>Finishes the MACs; the next verifier pass gets them.</summary>
    public void Seal()
    {
        foreach (var planned in _planned)
        {
            var result = new byte[planned.Hmacs.Count * MacComputation.MacSize];
            for (var i = 0; i < planned.Hmacs.Count; i++)
            {
                planned.Hmacs[i].GetHashAndReset(result.AsSpan(i * MacComputation.MacSize, MacComputation.MacSize));
            }

            planned.Result = result;
        }

        _sealed = true;
        _answered = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var hmac in _planned.SelectMany(p => p.Hmacs))
        {
            hmac.Dispose();
        }
    }

    private sealed class Planned(string prefix, List<IncrementalHash> hmacs)
    {
        public string Prefix { get; } = prefix;

        public List<IncrementalHash> Hmacs { get; } = hmacs;

        public byte[]? Result { get; set; }
    }
}
