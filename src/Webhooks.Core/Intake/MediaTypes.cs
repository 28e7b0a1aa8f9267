namespace Webhooks.Intake;

/// <summary>The small amount of content negotiation intake needs, without a host's header parsers.</summary>
public static class MediaTypes
{
    /// <summary>True for <c>application/json</c> and any <c>application/*+json</c> (CloudEvents, problem).</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var type = contentType.AsSpan();
        var semicolon = type.IndexOf(';');
        if (semicolon >= 0)
        {
            type = type[..semicolon];
        }

        type = type.Trim();
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// True when an <c>Accept</c> header allows a JSON answer (ours are <c>application/json</c> or
    /// <c>application/problem+json</c>): absent, <c>*/*</c>, <c>application/*</c>, or a JSON type, with q &gt; 0.
    /// </summary>
    public static bool AcceptsJson(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return true;
        }

        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            if (IsZeroQuality(parts))
            {
                continue;
            }

            var type = parts[0];
            if (type is "*/*" || type.Equals("application/*", StringComparison.OrdinalIgnoreCase) || IsJson(type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsZeroQuality(string[] parameters)
    {
        foreach (var parameter in parameters.AsSpan(1))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return q <= 0;
            }
        }

        return false;
    }
}
