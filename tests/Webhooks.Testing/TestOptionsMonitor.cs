using Microsoft.Extensions.Options;

namespace Webhooks.Testing;

/// <summary>An options monitor over a value the test owns and may replace.</summary>
public sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    /// <inheritdoc />
    public T CurrentValue { get; set; } = value;

    /// <inheritdoc />
    public T Get(string? name) => CurrentValue;

    /// <inheritdoc />
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
