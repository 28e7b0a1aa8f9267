namespace Webhooks.Storage;

/// <summary>The service's queue naming rules, checked before any call so a misconfigured name fails at start-up.</summary>
public static class QueueNames
{
    /// <summary>True when <paramref name="name"/> is 3–63 lowercase letters, digits and single inner hyphens.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var allowed = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '-' && name[i - 1] != '-');
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule when <paramref name="name"/> is not a valid queue name.</summary>
    public static void Validate(string name, string parameterName)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                parameterName);
        }
    }

    /// <summary>True when <paramref name="name"/> is a storage account name: 3–24 lowercase letters and digits.</summary>
    public static bool IsValidAccountName(string? name) =>
        name is { Length: >= 3 and <= 24 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
