using System.Globalization;
using System.Text.Json;
using Webhooks.Configuration;

namespace Webhooks.Intake.Handshakes;

/// <summary>
/// CloudEvents HTTP webhook abuse protection: an <c>OPTIONS</c> request with <c>WebHook-Request-Origin</c> is
/// answered with <c>WebHook-Allowed-Origin</c> (and <c>WebHook-Allowed-Rate</c> when a rate was asked for) so the
/// sender may deliver. Used by Event Grid's CloudEvents schema.
/// </summary>
public sealed class CloudEventsHandshake : IHandshakeResponder
{
    /// <inheritdoc />
    public string Name => "cloudevents";

    /// <inheritdoc />
    public bool AllowsOptions => true;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source)
    {
        var origin = request.Headers["WebHook-Request-Origin"];
        if (!string.Equals(request.Method, "OPTIONS", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(origin))
        {
            return null;
        }

        List<KeyValuePair<string, string>> headers = [new("WebHook-Allowed-Origin", origin.Trim()), new("Allow", "POST, OPTIONS")];
        if (request.Headers["WebHook-Request-Rate"] is not null)
        {
            // The rate is per minute; advertise the source's own limit when it has one.
            var rate = source.RateLimit is { PermitsPerSecond: > 0 } limit
                ? Math.Max(1, (int)(limit.PermitsPerSecond * 60)).ToString(CultureInfo.InvariantCulture)
                : "*";
            headers.Add(new("WebHook-Allowed-Rate", rate));
        }

        return new IntakeResponse { Status = 200, Headers = headers };
    }

    /// <inheritdoc />
    public IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body) => null;
}
