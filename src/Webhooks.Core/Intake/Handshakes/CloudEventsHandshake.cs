using System.Globalization;
using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Problems;

namespace Webhooks.Intake.Handshakes;

/// <summary>
/// CloudEvents HTTP webhook abuse protection: an <c>OPTIONS</c> request with <c>WebHook-Request-Origin</c> is
/// answered with <c>WebHook-Allowed-Origin</c> (and <c>WebHook-Allowed-Rate</c> when a rate was asked for) so the
/// sender may deliver. Used by Event Grid's CloudEvents schema.
/// </summary>
public sealed class CloudEventsHandshake : IHandshakeResponder
{
    private const string OriginHeader = "WebHook-Request-Origin";

    // A DNS name is at most 253 characters.
    private const int MaxOriginLength = 253;

    /// <inheritdoc />
    public string Name => "cloudevents";

    /// <inheritdoc />
    public bool AllowsOptions => true;

    /// <inheritdoc />
    public Problem? RefuseUnsigned(IntakeRequest request) =>
        Origin(request) is { } origin && !IsDnsExpression(origin)
            ? new Problem(400, ErrorCodes.InvalidRequest, $"{OriginHeader} must be the sender's DNS name: up to {MaxOriginLength} letters, digits, '.', '-', '_' or '*'.")
            {
                Errors = new Dictionary<string, string[]> { [OriginHeader] = ["Not a DNS name."] },
            }
            : null;

    /// <inheritdoc />
    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source)
    {
        // The origin is echoed into a response header, so only a validated one gets this far (see RefuseUnsigned).
        if (Origin(request) is not { } origin || !IsDnsExpression(origin))
        {
            return null;
        }

        List<KeyValuePair<string, string>> headers = [new("WebHook-Allowed-Origin", origin), new("Allow", "POST, OPTIONS")];
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

    // Only OPTIONS with a non-blank origin is this handshake.
    private static string? Origin(IntakeRequest request) =>
        string.Equals(request.Method, "OPTIONS", StringComparison.OrdinalIgnoreCase)
        && request.Headers[OriginHeader] is { } origin
        && !string.IsNullOrWhiteSpace(origin)
            ? origin.Trim()
            : null;

    private static bool IsDnsExpression(string origin) =>
        origin.Length <= MaxOriginLength && origin.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*');
}
