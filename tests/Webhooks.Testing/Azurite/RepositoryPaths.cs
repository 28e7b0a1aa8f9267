namespace Webhooks.Testing.Azurite;

/// <summary>Finds files in the repository the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Webhooks.sln</c>, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The pinned Azurite launcher installed by <c>eng/install-azurite.sh</c>.</summary>
    public static string AzuriteExecutable => Path.Combine(Root, "eng", "azurite", "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Webhooks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Could not find Webhooks.sln above {AppContext.BaseDirectory}.");
    }
}
