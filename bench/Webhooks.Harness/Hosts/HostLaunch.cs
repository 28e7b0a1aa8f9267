namespace Webhooks.Harness.Hosts;

/// <summary>What to run and how it is configured.</summary>
/// <param name="Assembly">The host's dll (see <see cref="HostBinaries"/>).</param>
/// <param name="Port">The loopback port it listens on.</param>
/// <param name="Settings">Configuration keys (<c>Webhooks:Sources:x:…</c>) passed as environment variables.</param>
/// <param name="Environment">The ASP.NET Core environment name. Default Production, so no Development settings leak in.</param>
public sealed record HostLaunch(string Assembly, int Port, IReadOnlyDictionary<string, string> Settings, string Environment = "Production")
{
    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
}
