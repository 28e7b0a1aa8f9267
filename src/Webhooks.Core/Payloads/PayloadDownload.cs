namespace Webhooks.Payloads;

/// <summary>A claim-check body being read: <see cref="Content"/> streams from storage as it is consumed. Dispose it.</summary>
/// <param name="Content">The body.</param>
/// <param name="Length">Its length in bytes, known before reading.</param>
public sealed record PayloadDownload(Stream Content, long Length) : IAsyncDisposable, IDisposable
{
    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();
}
