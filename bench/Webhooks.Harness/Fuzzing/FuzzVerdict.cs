using System.Text.Json;

namespace Webhooks.Harness.Fuzzing;

/// <summary>Judges one answer against the documented contract (README, "Status codes").</summary>
public static class FuzzVerdict
{
    /// <summary>Every status the README documents for intake: 200 (handshakes), 202, and the refusals.</summary>
    public static IReadOnlySet<int> Documented { get; } = new HashSet<int> { 200, 202, 400, 401, 402, 403, 404, 405, 406, 408, 413, 415, 422, 423, 429, 451, 503 };

    /// <summary>
    /// What Kestrel itself answers, before the app, to bytes that are not valid HTTP/1.1 (no body): exactly the
    /// README's list of statuses the web server answers — 400 malformed request, 414 request line over 8 KiB,
    /// 431 header block over the limit, 505 an HTTP version other than HTTP/1.0 or HTTP/1.1.
    /// </summary>
    public static IReadOnlySet<int> ServerLevel { get; } = new HashSet<int> { 400, 414, 431, 505 };

    /// <summary>The verdict for one case.</summary>
    public static FuzzOutcome Judge(FuzzCase fuzzCase, RawResponse response)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(response);
        if (response.Status == 0)
        {
            // A client that shuts down its sending side before the declared length has gone away: Kestrel aborts the
            // request and closes without an answer, which is fine as long as nothing was acknowledged.
            return response.TimedOut ? FuzzOutcome.Hang
                : fuzzCase.Mode == SendMode.CloseEarly ? FuzzOutcome.AbandonedByClient
                : FuzzOutcome.NoResponse;
        }

        // Before the 5xx rule: Kestrel's own 505 (an unknown HTTP version) is documented, not a server error.
        if (fuzzCase.BreaksFraming && ServerLevel.Contains(response.Status) && response.Body.Length == 0)
        {
            return FuzzOutcome.RejectedByServer;
        }

        if (response.Status >= 500 && response.Status != 503)
        {
            return FuzzOutcome.ServerError;
        }

        if (!Documented.Contains(response.Status))
        {
            return FuzzOutcome.Undocumented;
        }

        if (response.Status >= 400 && !IsProblem(response, fuzzCase.Head.AsSpan().StartsWith("HEAD "u8)))
        {
            return FuzzOutcome.MissingProblemBody;
        }

        return fuzzCase.Expected.Contains(response.Status) ? FuzzOutcome.Ok : FuzzOutcome.UnexpectedButDocumented;
    }

    /// <summary>
    /// True for failures: everything but <see cref="FuzzOutcome.Ok"/>, <see cref="FuzzOutcome.RejectedByServer"/>,
    /// <see cref="FuzzOutcome.AbandonedByClient"/> and <see cref="FuzzOutcome.UnexpectedButDocumented"/>.
    /// </summary>
    public static bool IsFailure(FuzzOutcome outcome) =>
        outcome is not (FuzzOutcome.Ok or FuzzOutcome.RejectedByServer or FuzzOutcome.AbandonedByClient or FuzzOutcome.UnexpectedButDocumented);

    private static bool IsProblem(RawResponse response, bool head)
    {
        if (!response.Headers.TryGetValue("Content-Type", out var type) || !type.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (head)
        {
            // A HEAD answer carries the headers of the problem but, by HTTP, no body.
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("status", out var status) && status.TryGetInt32(out var value) && value == response.Status
                && root.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String
                && root.TryGetProperty("type", out _) && root.TryGetProperty("title", out _) && root.TryGetProperty("traceId", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>How a case ended.</summary>
public enum FuzzOutcome
{
    /// <summary>A documented status the case was expected to get, with a problem body on errors.</summary>
    Ok,

    /// <summary>A documented status with a problem body, but not one this case was expected to get (worth a look).</summary>
    UnexpectedButDocumented,

    /// <summary>The bytes were not HTTP; Kestrel answered 400/431 with no body before the app ran.</summary>
    RejectedByServer,

    /// <summary>The client half-closed before sending the declared body; the server closed without answering.</summary>
    AbandonedByClient,

    /// <summary>A status the README does not document.</summary>
    Undocumented,

    /// <summary>A 5xx other than 503.</summary>
    ServerError,

    /// <summary>An error status without a valid problem+json body.</summary>
    MissingProblemBody,

    /// <summary>No answer within the time limit.</summary>
    Hang,

    /// <summary>The connection closed (or was reset) without an answer.</summary>
    NoResponse,
}
