using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Moq;

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

    public override Task<Response<SendReceipt>> SendMessageAsync(BinaryData message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        EnsureExists();
        Calls.Add($"send ttl={(timeToLive == TimeSpan.FromSeconds(-1) ? "infinite" : timeToLive?.ToString() ?? "default")}");
        if (FailNextSend is { } failure)
        {
            FailNextSend = null;
            throw failure;
        }

        var id = Add(message.ToString());
        var now = time.GetUtcNow();
        return Task.FromResult(Of(QueuesModelFactory.SendReceipt(id, now, DateTimeOffset.MaxValue, "pop", now)));
    }

    public override Task<Response<QueueMessage[]>> ReceiveMessagesAsync(int? maxMessages = null, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureExists();
        Calls.Add($"receive {maxMessages}");
        var now = time.GetUtcNow();
        var taken = _messages.Where(m => m.VisibleAt <= now).Take(maxMessages ?? 1).ToList();
        foreach (var m in taken)
        {
            m.PopReceipt = Guid.NewGuid().ToString("N");
            m.VisibleAt = now + (visibilityTimeout ?? TimeSpan.FromSeconds(30));
            m.DequeueCount++;
        }

        return Task.FromResult(Of<QueueMessage[]>([.. taken.Select(m => QueuesModelFactory.QueueMessage(m.Id, m.PopReceipt!, BinaryData.FromString(m.Text), m.DequeueCount, m.VisibleAt, m.InsertedOn, null))]));
    }

    public override Task<Response<PeekedMessage[]>> PeekMessagesAsync(int? maxMessages = null, CancellationToken cancellationToken = default)
    {
        EnsureExists();
        var now = time.GetUtcNow();
        return Task.FromResult(Of<PeekedMessage[]>([.. _messages.Where(m => m.VisibleAt <= now).Take(maxMessages ?? 1)
            .Select(m => QueuesModelFactory.PeekedMessage(m.Id, BinaryData.FromString(m.Text), m.DequeueCount, m.InsertedOn, null))]));
    }

    public override Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {messageId}");
        if (FailDeletes is { } failure)
        {
            throw failure;
        }

        _messages.Remove(Find(messageId, popReceipt));
        return Task.FromResult(Mock.Of<Response>());
    }

    public override Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt, BinaryData? message = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
    {
        Calls.Add($"update {messageId} visibility={visibilityTimeout.TotalSeconds}");
        var stored = Find(messageId, popReceipt);
        if (message is not null)
        {
            stored.Text = message.ToString(); // as Storage does: the update replaces the content
        }

        stored.PopReceipt = Guid.NewGuid().ToString("N");
        stored.VisibleAt = time.GetUtcNow() + visibilityTimeout;
        return Task.FromResult(Of(QueuesModelFactory.UpdateReceipt(stored.PopReceipt, stored.VisibleAt)));
    }

    public override Task<Response<QueueProperties>> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        EnsureExists();
        return Task.FromResult(Of(QueuesModelFactory.QueueProperties(new Dictionary<string, string>(), _messages.Count)));
    }

    public override Task<Response> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<Response>(null!);

    /// <summary>An SDK response carrying <paramref name="value"/> (the raw response is never read by the app).</summary>
    public static Response<T> Of<T>(T value) => Response.FromValue(value, Mock.Of<Response>());

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

        public string Text { get; set; } = text;

        public DateTimeOffset InsertedOn { get; } = insertedOn;

        public DateTimeOffset VisibleAt { get; set; }

        public string? PopReceipt { get; set; }

        public long DequeueCount { get; set; }
    }
}
