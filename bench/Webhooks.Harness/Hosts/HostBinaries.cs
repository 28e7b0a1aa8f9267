using System.Reflection;
using Webhooks.Testing.Azurite;

namespace Webhooks.Harness.Hosts;

/// <summary>
/// Finds the host assemblies the harness runs as child processes, in their own build output (same configuration as
/// the harness), or at the path named by an environment variable.
/// </summary>
public static class HostBinaries
{
    /// <summary>The real Kestrel host, <c>src/Webhooks.Server</c>. Override: <c>WEBHOOKS_SERVER_DLL</c>.</summary>
    public static string Server => Find(Path.Combine("src", "Webhooks.Server"), "Webhooks.Server.dll", "WEBHOOKS_SERVER_DLL");

    /// <summary>The ceiling host (<c>sink</c> and <c>bare</c> modes), <c>bench/Webhooks.BenchHost</c>. Override: <c>WEBHOOKS_BENCHHOST_DLL</c>.</summary>
    public static string BenchHost => Find(Path.Combine("bench", "Webhooks.BenchHost"), "Webhooks.BenchHost.dll", "WEBHOOKS_BENCHHOST_DLL");

    /// <summary>The build configuration the harness itself was compiled in.</summary>
    public static string Configuration { get; } =
        typeof(HostBinaries).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    private static string Find(string projectFolder, string assembly, string overrideVariable)
    {
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } overridden)
        {
            return File.Exists(overridden)
                ? overridden
                : throw new FileNotFoundException($"{overrideVariable} names {overridden}, which does not exist.");
        }

        var path = Path.Combine(RepositoryPaths.Root, projectFolder, "bin", Configuration, "net10.0", assembly);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{path} is missing. Build it first: dotnet build {projectFolder} -c {Configuration} (the harness projects reference it, so building them builds it).");
    }
}
