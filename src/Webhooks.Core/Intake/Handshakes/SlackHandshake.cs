using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake.Handshakes;

/// <summary>
/// Slack Events API <c>url_verification</c>: after Slack's <c>v0</c> signature is verified, echo <c>challenge</c>.
/// </summary>
public sealed class SlackHandshake : IHandshakeResponder
{
    /// <inheritdoc />
    public string Name => "slack";

    /// <inheritdoc />
    public bool AllowsOptions => false;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source) => null;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body) =>
        SenderJson.TryGetProperty(body, "type", out var type) && SenderJson.IsString(type, "url_verification")
        && SenderJson.TryGetProperty(body, "challenge", out var challenge) && SenderJson.GetString(challenge) is { } text
            ? HandshakeResponses.JsonProperty("challenge", text)
            : null;
}
