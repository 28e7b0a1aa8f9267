namespace Webhooks.Storage;

/// <summary>A message taken with Get Messages: it stays invisible until its visibility timeout ends or it is deleted.</summary>
/// <param name="MessageId">The service's id for the message.</param>
/// <param name="PopReceipt">Proof of this receive; needed to delete or update the message.</param>
/// <param name="Body">The decoded body; when the text was not valid base64 the raw UTF-8 text of the message.</param>
/// <param name="MessageText">The message text exactly as stored.</param>
/// <param name="DequeueCount">How many times the message has been received.</param>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    BinaryData Body,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? ExpiresOn,
    DateTimeOffset? NextVisibleOn);

/// <summary>A message seen with Peek Messages: no pop receipt, visibility unchanged.</summary>
public sealed record PeekedMessage(
    string MessageId,
    BinaryData Body,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? ExpiresOn);

/// <summary>What Put Message returns.</summary>
public sealed record SendReceipt(string MessageId, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, DateTimeOffset TimeNextVisible);

/// <summary>What Update Message returns: the new pop receipt to use for the next delete or update.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);

/// <summary>Queue metadata.</summary>
public sealed record QueueProperties(int ApproximateMessagesCount, IReadOnlyDictionary<string, string> Metadata);
