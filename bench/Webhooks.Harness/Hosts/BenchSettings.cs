namespace Webhooks.Harness.Hosts;

/// <summary>The configuration every harness run gives its host: one Standard Webhooks source, quiet logs.</summary>
public static class BenchSettings
{
    /// <summary>The source name (<c>/api/webhooks/bench</c>).</summary>
    public const string Source = "bench";

    /// <summary>Its secret (harness only; never used outside loopback).</summary>
    public const string Secret = "whsec_YmVuY2gtb25seS1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u";

    /// <summary>
    /// Telemetry on (every span and metric recorded, nothing exported: the cost of the instrumentation itself) or off;
    /// either way an exporter configured in the caller's environment is blanked, so no run exports anywhere.
    /// </summary>
    public static Dictionary<string, string> Telemetry(bool on) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Webhooks:Telemetry:RecordWithoutExport"] = on ? "true" : "false",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Empty,
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = string.Empty,
    };

    /// <summary>
    /// Storage, the <c>bench</c> source (Standard Webhooks, one required field so validation runs), log level, and the
    /// delivery workers off unless <paramref name="targetUrl"/> is given.
    /// </summary>
    public static Dictionary<string, string> For(string storageConnectionString, Uri? targetUrl = null, string logLevel = "Warning")
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            [$"Webhooks:Sources:{Source}:Verification"] = "standard-webhooks",
            [$"Webhooks:Sources:{Source}:Secrets:0"] = Secret,
            [$"Webhooks:Sources:{Source}:Validation:RequiredFields:type"] = "string",
            ["Logging:LogLevel:Default"] = logLevel,
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            ["Webhooks:Delivery:Enabled"] = (targetUrl is not null).ToString(),
        };
        if (targetUrl is not null)
        {
            settings[$"Webhooks:Sources:{Source}:Target:Url"] = targetUrl.ToString();
            settings["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true";
        }

        return settings;
    }
}
