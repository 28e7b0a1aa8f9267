namespace Webhooks.Testing;

/// <summary>Names that do not collide between tests sharing one emulator.</summary>
public static class UniqueNames
{
    /// <summary>A valid queue name: <paramref name="prefix"/> (lowercased, trimmed to fit) plus a random suffix.</summary>
    public static string Queue(string prefix = "test")
    {
        var cleaned = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray()).Trim('-');
        if (cleaned.Length == 0)
        {
            cleaned = "q";
        }

        // 63 characters at most, and 7 spare for a "-poison" suffix: 56 = prefix + '-' + 16 hex.
        var suffix = Guid.NewGuid().ToString("N")[..16];
        var head = cleaned.Length > 39 ? cleaned[..39].TrimEnd('-') : cleaned;
        return $"{head}-{suffix}";
    }

    /// <summary>A valid table name: <paramref name="prefix"/> (letters and digits only) plus a random suffix.</summary>
    public static string Table(string prefix = "test")
    {
        var cleaned = new string(prefix.Where(char.IsAsciiLetterOrDigit).ToArray());
        var head = cleaned.Length == 0 || !char.IsAsciiLetter(cleaned[0]) ? "t" + cleaned : cleaned;
        return (head.Length > 30 ? head[..30] : head) + Guid.NewGuid().ToString("N")[..16];
    }
}
