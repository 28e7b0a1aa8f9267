using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Webhooks.IntegrationTests.Hosting;

/// <summary>
/// The real server process failing to start: one plain message per problem on stderr and the documented exit code
/// (README, "Start-up failures"), not an unhandled exception (exit 134) with a stack trace.
/// </summary>
public sealed class ServerStartupTests
{
    private static readonly string ServerAssembly = Path.Combine(AppContext.BaseDirectory, "Webhooks.Server.dll");

    [Fact]
    public async Task InvalidConfiguration_ExitsWith2_ListingEveryProblemWithoutAStackTrace()
    {
        var (exitCode, stderr) = await RunAsync(FreePort(), new()
        {
            ["Webhooks__Sources__shop__Verification"] = "bogus",
            ["Webhooks__Sources__crm__State"] = "weird",
            ["Webhooks__Sources__crm__Secrets__0"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        });

        Assert.Equal(2, exitCode);
        Assert.StartsWith("The webhooks server did not start: the configuration is invalid.", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:shop:Verification 'bogus'", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:crm:State 'weird' is unknown", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidDestinations_ExitWith2_OneLineNamingEachSetting()
    {
        var (exitCode, stderr) = await RunAsync(FreePort(), new()
        {
            ["Webhooks__Sources__stripe__Verification"] = "stripe",
            ["Webhooks__Sources__stripe__Secrets__0"] = "whsec_test",
            ["Webhooks__Sources__stripe__Target__Url"] = "https://legacy.example.com/hooks",
            ["Webhooks__Sources__stripe__Destinations__billing__Url"] = "https://billing.example.com/hooks",
            ["Webhooks__Sources__stripe__Destinations__billing__Filter__data..status"] = "paid",
            ["Webhooks__Sources__stripe__Destinations__crm__Url"] = "not a url",
            ["Webhooks__Sources__stripe__Destinations__crm__Filter__type"] = "*.created",
            ["Webhooks__Sources__stripe__Destinations__audit__Url"] = "https://audit.example.com/hooks",
            ["Webhooks__Sources__stripe__Destinations__audit__Filter__header"] = "push",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("  - Webhooks:Sources:stripe:Target:Url and Webhooks:Sources:stripe:Destinations are both set", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:stripe:Destinations:billing:Filter:data..status must be a dotted JSON path", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:stripe:Destinations:crm:Url must be an absolute http or https URL.", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:stripe:Destinations:crm:Filter:type '*.created' may use * only at the end", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:Sources:stripe:Destinations:audit:Filter:header: needs a header name", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidDeadLetterSettings_ExitWith2_OneLineNamingEachSetting()
    {
        var (exitCode, stderr) = await RunAsync(FreePort(), new()
        {
            ["Webhooks__DeadLetters__ReplayConcurrency"] = "0",
            ["Webhooks__DeadLetters__ImportInterval"] = "02:00:00",
        });

        Assert.Equal(2, exitCode);
        Assert.StartsWith("The webhooks server did not start: the configuration is invalid.", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:DeadLetters:ReplayConcurrency '0': The field ReplayConcurrency must be between 1 and 256.", stderr, StringComparison.Ordinal);
        Assert.Contains("  - Webhooks:DeadLetters:ImportInterval '02:00:00'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableSettingValue_ExitsWith2_NamingTheSetting()
    {
        var (exitCode, stderr) = await RunAsync(FreePort(), new() { ["Webhooks__Intake__QueueWriteTimeout"] = "soon" });

        Assert.Equal(2, exitCode);
        Assert.Contains("'soon' at 'Webhooks:Intake:QueueWriteTimeout'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortAlreadyInUse_ExitsWith3_SayingSo()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();

        var (exitCode, stderr) = await RunAsync(((IPEndPoint)occupant.LocalEndpoint).Port, []);

        Assert.Equal(3, exitCode);
        Assert.Contains("address already in use", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(int port, Dictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(ServerAssembly);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Webhooks__", StringComparison.OrdinalIgnoreCase) || k == "AzureWebJobsStorage").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        info.Environment["Webhooks__Delivery__Enabled"] = "false";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a guard against a hang, not a measurement
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The server did not exit. stdout: {await stdout}");
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
