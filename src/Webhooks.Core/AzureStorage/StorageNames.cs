namespace Webhooks.AzureStorage;

/// <summary>
/// The service's naming rules and per-call limits, checked before any call so a misconfigured name fails at start
/// (the SDK sends whatever it is given and the service answers 400 much later).
/// </summary>
public static class StorageNames
{
    /// <summary>The suffix the Functions queue trigger appends for poison messages.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Largest message the service accepts, in bytes of the encoded text (64 KiB).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The largest payload whose base64 text fits one message (48 KiB).</summary>
    public const int MaxMessagePayloadBytes = MaxMessageBytes / 4 * 3;

    /// <summary>Most messages a single receive or peek returns.</summary>
    public const int MaxMessagesPerCall = 32;

    /// <summary>Largest block we stage (the service takes 4000 MiB; memory is held per block).</summary>
    public const int MaxBlockBytes = 100 * 1024 * 1024;

    /// <summary>The time-to-live that makes a message never expire (the SDK sends it as <c>messagettl=-1</c>).</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>Longest visibility timeout the service accepts (7 days).</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>True when <paramref name="name"/> is 3–63 lowercase letters, digits and single inner hyphens (queues and containers).</summary>
    public static bool IsValidQueueName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '-' && name[i - 1] != '-')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Container names follow the queue rules.</summary>
    public static bool IsValidContainerName(string? name) => IsValidQueueName(name);

    /// <summary>True when <paramref name="name"/> is a table name: 3–63 letters and digits, starting with a letter.</summary>
    public static bool IsValidTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    /// <summary>True when <paramref name="name"/> is a storage account name: 3–24 lowercase letters and digits.</summary>
    public static bool IsValidAccountName(string? name) =>
        name is { Length: >= 3 and <= 24 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
