using Webhooks.Envelopes;

namespace Webhooks.DeadLetters;

/// <summary>
/// The worker's one way to write a dead-letter record: into the index table of an indexed
/// <see cref="DeadLetterStore"/> (record and counters in one transaction; see docs/operations.md).
/// </summary>
public sealed class DeadLetterWriter
{
    private readonly DeadLetterStore _store;

    /// <summary>Writes through <paramref name="store"/>, which must be indexed.</summary>
    /// <exception cref="ArgumentException">The store has no index.</exception>
    public DeadLetterWriter(DeadLetterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store.IsIndexed ? store : throw new ArgumentException("The dead-letter writer needs an indexed store.", nameof(store));
    }

    /// <summary>
    /// Writes <paramref name="record"/>. Idempotent per delivery id and dead-letter time: retrying the same record
    /// after a failure that did write it overwrites nothing and counts nothing twice.
    /// </summary>
    public Task WriteAsync(DeadLetterRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _store.WriteAsync(record, cancellationToken);
    }
}
