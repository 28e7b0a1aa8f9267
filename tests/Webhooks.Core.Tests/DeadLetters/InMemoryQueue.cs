using System.Text;
using Azure;
using Webhooks.Storage;

namespace Webhooks.Core.Tests.DeadLetters;

/// <summary>
/// A queue with the Storage semantics the store relies on — visibility timeouts, pop receipts that change on every
/// receive and update, 404 for a stale receipt — over a manual clock, recording every call in order.
/// </summary>
internal sealed class InMemoryQueue(string name, TimeProvider time, bool exists = true) : QueueClient
{
    private readonly List<Stored> _messages = [];
    private int _nextId;

    public override string Name => name;

    public override Uri Uri => new($"http://127.0.0.1/devstoreaccount1/{name}");

    public List<string> Calls { get; } = [];

    /// <summary>Thrown from the next send, if set.</summary>
    public RequestFailedException? FailNextSend { get; set; }

    /// <summary>Thrown from every delete, if set.</summary>
    public RequestFailedException? FailDeletes { get; set; }

    public IReadOnlyList<string> Texts => [.. _messages.Select(m => m.Text)];

    public int VisibleCount => _messages.Count(m => m.VisibleAt <= time.GetUtcNow());

    public string Add(string text, DateTimeOffset? insertedOn = null)
    {
        var id = $"{name}-{++_nextId}";
        _messages.Add(new Stored(id, text, insertedOn ?? time.GetUtcNow()) { VisibleAt = time.GetUtcNow() });
        return id;
    }

    public override Task<SendReceipt> SendMessageAsync(ReadOnlyMemory<byte> message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        EnsureExists();
        Calls.Add($"send ttl={(timeToLive == Timeout.InfiniteTimeSpan ? "infinite" : timeToLive?.ToString() ?? "default")}");
        if (FailNextSend is { } failure)
        {
            FailNextSend = null;
            throw failure;
        }

        var id = Add(Encoding.UTF8.GetString(message.Span));
        var now = time.GetUtcNow();
        return Task.FromResult(new SendReceipt(id, "pop", now, DateTimeOffset.MaxValue, now));
    }

    public override Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureExists();
        Calls.Add($"receive {maxMessages}");
        var now = time.GetUtcNow();
        var taken = _messages.Where(m => m.VisibleAt <= now).Take(maxMessages).ToList();
        foreach (var m in taken)
        {
            m.PopReceipt = Guid.NewGuid().ToString("N");
            m.VisibleAt = now + (visibilityTimeout ?? TimeSpan.FromSeconds(30));
            m.DequeueCount++;
        }

        return Task.FromResult<IReadOnlyList<QueueMessage>>([.. taken.Select(m => new QueueMessage(m.Id, m.PopReceipt!, BinaryData.FromString(m.Text), m.Text, m.DequeueCount, m.InsertedOn, null, m.VisibleAt))]);
    }

    public override Task<IReadOnlyList<PeekedMessage>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        EnsureExists();
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<PeekedMessage>>([.. _messages.Where(m => m.VisibleAt <= now).Take(maxMessages)
            .Select(m => new PeekedMessage(m.Id, BinaryData.FromString(m.Text), m.Text, m.DequeueCount, m.InsertedOn, null))]);
    }

    public override Task DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {messageId}");
        if (FailDeletes is { } failure)
        {
            throw failure;
        }

        _messages.Remove(Find(messageId, popReceipt));
        return Task.CompletedTask;
    }

    public override Task<UpdateReceipt> UpdateMessageAsync(string messageId, string popReceipt, ReadOnlyMemory<byte>? message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        Calls.Add($"update {messageId} visibility={visibilityTimeout.TotalSeconds}");
        var stored = Find(messageId, popReceipt);
        stored.PopReceipt = Guid.NewGuid().ToString("N");
        stored.VisibleAt = time.GetUtcNow() + visibilityTimeout;
        return Task.FromResult(new UpdateReceipt(stored.PopReceipt, stored.VisibleAt));
    }

    public override Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        EnsureExists();
        return Task.FromResult(new QueueProperties(_messages.Count, new Dictionary<string, string>()));
    }

    /// <summary>Another reader receives everything visible (its visibility ran out for us), invalidating our receipts.</summary>
    public void StealVisible() => ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();

    private Stored Find(string messageId, string popReceipt) =>
        _messages.FirstOrDefault(m => m.Id == messageId && m.PopReceipt == popReceipt)
        ?? throw new RequestFailedException(404, "The specified message does not exist.", "MessageNotFound", null);

    private void EnsureExists()
    {
        if (!exists)
        {
            throw new RequestFailedException(404, "The specified queue does not exist.", "QueueNotFound", null);
        }
    }

    private sealed class Stored(string id, string text, DateTimeOffset insertedOn)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public DateTimeOffset InsertedOn { get; } = insertedOn;

        public DateTimeOffset VisibleAt { get; set; }

        public string? PopReceipt { get; set; }

        public long DequeueCount { get; set; }
    }
}
