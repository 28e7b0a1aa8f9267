using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake.Handshakes;

/// <summary>
/// Azure Event Grid (Event Grid schema) subscription validation: a <c>SubscriptionValidation</c> event whose
/// <c>data.validationCode</c> we echo as <c>{"validationResponse": …}</c>. It is verified like any delivery first,
/// so configure the subscription's delivery header (e.g. <c>x-api-key</c>) to match the source.
/// </summary>
public sealed class EventGridHandshake : IHandshakeResponder
{
    /// <inheritdoc />
    public string Name => "event-grid";

    /// <inheritdoc />
    public bool AllowsOptions => false;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source) => null;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body)
    {
        if (!string.Equals(request.Headers["aeg-event-type"], "SubscriptionValidation", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var first = body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0 ? body[0] : body;
        return SenderJson.TryGetProperty(first, "data", out var data)
            && SenderJson.TryGetProperty(data, "validationCode", out var code)
            && SenderJson.GetString(code) is { } validationCode
                ? HandshakeResponses.JsonProperty("validationResponse", validationCode)
                : null;
    }
}
