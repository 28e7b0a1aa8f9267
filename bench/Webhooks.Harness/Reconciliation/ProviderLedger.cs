using System.Collections.Concurrent;

namespace Webhooks.Harness.Reconciliation;

/// <summary>What the sender (the "provider") saw for each delivery id: every intake answer, and whether one was a 202.</summary>
public sealed class ProviderLedger
{
    private readonly ConcurrentDictionary<string, ProviderRecord> _records = new(StringComparer.Ordinal);

    /// <summary>Every delivery id sent.</summary>
    public IReadOnlyDictionary<string, ProviderRecord> Records => _records;

    /// <summary>Deliveries acknowledged with a 2xx.</summary>
    public int Acknowledged => _records.Values.Count(r => r.Acknowledged);

    /// <summary>Records one answer (0 = no answer: connection refused or reset, timeout).</summary>
    public void Record(string id, int status) => _records.GetOrAdd(id, _ => new ProviderRecord()).Add(status);
}

/// <summary>The intake answers one delivery id got, in order.</summary>
public sealed class ProviderRecord
{
    private readonly List<int> _answers = [];

    /// <summary>The answers, in order.</summary>
    public IReadOnlyList<int> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>True once any answer was a 2xx.</summary>
    public bool Acknowledged
    {
        get
        {
            lock (_answers)
            {
                return _answers.Exists(a => a is >= 200 and < 300);
            }
        }
    }

    internal void Add(int status)
    {
        lock (_answers)
        {
            _answers.Add(status);
        }
    }
}
