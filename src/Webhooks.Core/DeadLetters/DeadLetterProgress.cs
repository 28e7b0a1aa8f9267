namespace Webhooks.DeadLetters;

/// <summary>How far a long operation has come, for progress bars.</summary>
/// <param name="Operation">scan, replay, purge or export.</param>
/// <param name="Completed">Items done so far in this operation.</param>
/// <param name="Total">Items the operation will handle; while scanning, the number received so far.</param>
public sealed record DeadLetterProgress(string Operation, int Completed, int Total);
