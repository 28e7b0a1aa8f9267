namespace Webhooks.Delivery;

/// <summary>The names <see cref="TargetErrorParser"/> puts in <see cref="Envelopes.TargetError.Dialect"/>.</summary>
public static class TargetErrorDialects
{
    /// <summary>RFC 9457 problem details: <c>type, title, status, detail</c> plus extensions.</summary>
    public const string Problem = "problem";

    /// <summary>Seed 002: <c>{message, errors{field:[…]}}</c>.</summary>
    public const string Validation = "validation";

    /// <summary>Seed 004 (EGYM): <c>{timestamp, path, status, error, errorCode, message, metadata.entity}</c>.</summary>
    public const string Egym = "egym";

    /// <summary>Some other JSON object with a message or code we could find.</summary>
    public const string Json = "json";

    /// <summary>Plain text, HTML (tags stripped), an empty body, or JSON we could not read.</summary>
    public const string Text = "text";
}
