namespace Webhooks.Storage;

/// <summary>The service's container and blob naming rules, and how a blob name goes into a URI path.</summary>
public static class BlobNames
{
    /// <summary>Longest blob name the service accepts, in characters.</summary>
    public const int MaxBlobNameLength = 1024;

    /// <summary>True when <paramref name="name"/> is a valid container name (the same rules as queue names).</summary>
    public static bool IsValidContainerName(string? name) => QueueNames.IsValid(name);

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule when <paramref name="name"/> is not a valid container name.</summary>
    public static void ValidateContainerName(string name, string parameterName)
    {
        if (!IsValidContainerName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="name"/> is empty, longer than
    /// <see cref="MaxBlobNameLength"/>, has empty path segments, ends with '.' or '/', or holds control characters.
    /// </summary>
    public static void ValidateBlobName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        if (name.Length > MaxBlobNameLength || name[^1] is '.' or '/' || name[0] == '/' || name.Contains("//", StringComparison.Ordinal)
            || name.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"'{name}' is not a usable blob name: 1-{MaxBlobNameLength} characters, no control characters, no empty path segments, not ending with '.' or '/'.",
                parameterName);
        }
    }

    /// <summary>The blob name as a URI path: each '/'-separated segment escaped, the separators kept.</summary>
    public static string EscapePath(string blobName) =>
        string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
}
