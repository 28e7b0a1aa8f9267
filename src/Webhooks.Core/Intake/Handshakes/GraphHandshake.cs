using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake.Handshakes;

/// <summary>
/// Microsoft Graph change-notification validation: a POST with <c>?validationToken=…</c> and no signed body must be
/// answered within 10 s with the token as <c>text/plain</c>.
/// </summary>
public sealed class GraphHandshake : IHandshakeResponder
{
    private const int MaxTokenLength = 4096;

    /// <inheritdoc />
    public string Name => "graph";

    /// <inheritdoc />
    public bool AllowsOptions => false;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source) =>
        string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase)
        && request.Query.TryGetValue("validationToken", out var token)
        && token.Length is > 0 and <= MaxTokenLength
            ? HandshakeResponses.PlainText(token)
            : null;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body) => null;
}
