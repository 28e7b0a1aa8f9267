using System.Text;
using System.Text.Json;
using Webhooks.Envelopes;

namespace Webhooks.Core.Tests.DeadLetters;

/// <summary>Records in the exact JSON shape the worker writes (through the app's own serializer context).</summary>
internal static class DeadLetterFixtures
{
    public const string Seed004Body =
        "{\"timestamp\":\"2026-01-01T00:00:00.000+0000\",\"path\":\"/api/v2/accounts\",\"status\":409,\"error\":\"Conflict\",\"errorCode\":\"userEmailConflict\",\"message\":\"The email is already used within your gym or chain\"}";

    public static DeliveryEnvelope Envelope(string id, string source, int attempt = 1, int replayCount = 0) => new()
    {
        Id = id,
        Source = source,
        ReceivedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ContentType = "application/json",
        Headers = { ["webhook-id"] = id },
        Body = Encoding.UTF8.GetBytes("{\"type\":\"member.created\",\"email\":\"a@example.com\"}"),
        Attempt = attempt,
        Attempts = [.. Enumerable.Range(1, attempt).Select(n => new DeliveryAttempt(n, DateTimeOffset.UnixEpoch, "deadLetter", 409, "Conflict", 5))],
        ReplayCount = replayCount,
    };

    public static string Conflict(string id, string source, DateTimeOffset at) => Json(new DeadLetterRecord
    {
        Envelope = Envelope(id, source),
        Reason = DeadLetterReasons.TargetRejected,
        DeadLetteredAt = at,
        FinalStatus = 409,
        Response = new TargetResponse { Status = 409, Body = Seed004Body, Headers = { ["content-type"] = "application/json" } },
        Error = new TargetError
        {
            Dialect = "egym",
            ErrorCode = "userEmailConflict",
            Message = "The email is already used within your gym or chain",
            Summary = "409 userEmailConflict: The email is already used within your gym or chain",
        },
        OriginQueue = "deliveries",
    });

    public static string Exhausted(string id, string source, DateTimeOffset at, int status = 503) => Json(new DeadLetterRecord
    {
        Envelope = Envelope(id, source, attempt: 30),
        Reason = DeadLetterReasons.RetriesExhausted,
        DeadLetteredAt = at,
        FinalStatus = status,
        OriginQueue = "deliveries",
    });

    public static string Json(DeadLetterRecord record) => JsonSerializer.Serialize(record, WebhooksJsonContext.Default.DeadLetterRecord);

    public static string EnvelopeJson(DeliveryEnvelope envelope) => Encoding.UTF8.GetString(EnvelopeSerializer.Serialize(envelope));
}
