namespace Webhooks.Testing.Targets;

/// <summary>A request a <see cref="ScriptedTarget"/> received, as it arrived.</summary>
/// <param name="Number">1-based arrival order.</param>
/// <param name="At">When it arrived (system clock).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query.</param>
/// <param name="Headers">Every request header, case-insensitive names, repeated values comma-joined.</param>
/// <param name="Body">The body bytes exactly as received.</param>
/// <param name="Reply">The scripted reply chosen for it.</param>
public sealed record ReceivedRequest(
    int Number,
    DateTimeOffset At,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    TargetReply Reply)
{
    /// <summary>True when the caller went away before the reply was written (timeout, shutdown).</summary>
    public bool Aborted { get; internal set; }

    /// <summary>True once the reply was written.</summary>
    public bool Answered { get; internal set; }

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
