using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>Keeps every log entry with its structured fields (the message template's values), for assertions.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Entries logged from <paramref name="category"/> with a message template containing <paramref name="text"/>.</summary>
    public IReadOnlyList<Entry> Where(string category, string text) =>
        [.. _entries.Where(e => e.Category == category && e.Template.Contains(text, StringComparison.Ordinal))];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, string Category, string Template, IReadOnlyDictionary<string, object?> Fields);

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
                : [];
            var template = fields.GetValueOrDefault("{OriginalFormat}") as string ?? formatter(state, exception);
            logs._entries.Enqueue(new Entry(logLevel, category, template, fields));
        }
    }
}
