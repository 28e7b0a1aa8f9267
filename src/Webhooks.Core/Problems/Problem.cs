namespace Webhooks.Problems;

/// <summary>
/// An error answer before it is written: the status, its stable code, and what to tell the caller.
/// <see cref="ProblemWriter"/> turns it into an RFC 9457 body that also carries the seeds' fields.
/// </summary>
public sealed record Problem(int Status, string ErrorCode, string Message)
{
    /// <summary>Field errors (400/422): field path to messages.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary><c>metadata.entity</c>, e.g. <c>SOURCE</c> on 404.</summary>
    public string? Entity { get; init; }

    /// <summary>Extra response headers: Allow, Retry-After, WWW-Authenticate.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Adds a response header.</summary>
    public Problem WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };
}
