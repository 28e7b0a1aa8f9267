using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Intake;

/// <summary>
/// A provider's registration handshake answered on the intake route (Event Grid, CloudEvents, Slack, Graph), only
/// for sources that list it in <c>Handshakes</c>. A handshake is answered, never queued.
/// </summary>
public interface IHandshakeResponder
{
    /// <summary>The name used in <c>Webhooks:Sources:&lt;name&gt;:Handshakes</c>.</summary>
    string Name { get; }

    /// <summary>Whether the handshake adds OPTIONS to the route's <c>Allow</c>.</summary>
    bool AllowsOptions { get; }

    /// <summary>Whether the source enabled it.</summary>
    bool IsEnabled(SourceOptions source) => source.Handshakes.Contains(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A 400 for a handshake request this responder recognises but whose values it must not echo (checked just
    /// before <see cref="TryAnswerUnsigned"/>), or null.
    /// </summary>
    Problem? RefuseUnsigned(IntakeRequest request) => null;

    /// <summary>Answers a handshake that arrives before any signature can be checked, or returns null.</summary>
    IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source);

    /// <summary>Answers a handshake whose body was already verified and parsed, or returns null.</summary>
    IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body);
}
