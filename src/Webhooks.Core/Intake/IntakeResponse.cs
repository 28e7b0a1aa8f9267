using Webhooks.Problems;

namespace Webhooks.Intake;

/// <summary>What the host writes back: a status, headers and a small body the engine already serialized.</summary>
public sealed class IntakeResponse
{
    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>The body's media type, or null for no body.</summary>
    public string? ContentType { get; init; }

    /// <summary>The body bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Extra headers (Allow, Retry-After, WebHook-Allowed-Origin, …).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The delivery id when one was assigned, for logs.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>The error code when this is a problem answer, for logs and metrics.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>A problem answer.</summary>
    public static IntakeResponse FromProblem(Problem problem, string path, DateTimeOffset now, string? traceId) => new()
    {
        Status = problem.Status,
        ContentType = ProblemWriter.ContentType,
        Body = ProblemWriter.Serialize(problem, path, now, traceId),
        Headers = problem.Headers,
        ErrorCode = problem.ErrorCode,
    };
}
