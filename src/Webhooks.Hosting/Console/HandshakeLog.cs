using System.Collections.Concurrent;
using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Intake;

namespace Webhooks.Hosting.Console;

/// <summary>
/// When this instance last answered each source's registration handshake, for the console's Sources page
/// ("answered 10:02" tells an operator the provider reached us). In memory, per instance.
/// </summary>
public sealed class HandshakeLog(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Source, string Handshake), DateTimeOffset> _answered = new();

    /// <summary>Notes that <paramref name="handshake"/> was answered for <paramref name="source"/> now.</summary>
    public void Answered(string source, string handshake) =>
        _answered[(source.ToLowerInvariant(), handshake.ToLowerInvariant())] = time.GetUtcNow();

    /// <summary>When it was last answered on this instance; null when not since the instance started.</summary>
    public DateTimeOffset? LastAnswered(string source, string handshake) =>
        _answered.TryGetValue((source.ToLowerInvariant(), handshake.ToLowerInvariant()), out var at) ? at : null;
}

/// <summary>A handshake responder that notes each answer of the one it wraps in the <see cref="HandshakeLog"/>.</summary>
internal sealed class LoggedHandshakeResponder(IHandshakeResponder inner, HandshakeLog log) : IHandshakeResponder
{
    public string Name => inner.Name;

    public bool AllowsOptions => inner.AllowsOptions;

    public bool IsEnabled(SourceOptions source) => inner.IsEnabled(source);

    public IntakeResponse? TryAnswerUnsigned(IntakeRequest request, SourceOptions source) =>
        Note(request, inner.TryAnswerUnsigned(request, source));

    public IntakeResponse? TryAnswerVerified(IntakeRequest request, JsonElement body) =>
        Note(request, inner.TryAnswerVerified(request, body));

    private IntakeResponse? Note(IntakeRequest request, IntakeResponse? answer)
    {
        if (answer is { Status: >= 200 and < 300 })
        {
            log.Answered(request.Source, Name);
        }

        return answer;
    }
}
