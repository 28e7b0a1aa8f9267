namespace Webhooks.Testing.Targets;

/// <summary>One scripted answer of a <see cref="ScriptedTarget"/>.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body, if any.</param>
/// <param name="ContentType">The body's content type.</param>
public sealed record TargetReply(int Status, string? Body = null, string ContentType = "application/json")
{
    /// <summary>Extra response headers (Retry-After, request ids …).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>How long to wait before answering; the wait ends early when the caller gives up.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Answers <paramref name="status"/> with no body.</summary>
    public static TargetReply Of(int status) => new(status);

    /// <summary>Answers <paramref name="status"/> with a JSON body.</summary>
    public static TargetReply Json(int status, string json) => new(status, json);

    /// <summary>Adds a response header.</summary>
    public TargetReply WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    /// <summary>Answers only after <paramref name="delay"/>.</summary>
    public TargetReply After(TimeSpan delay) => this with { Delay = delay };
}
