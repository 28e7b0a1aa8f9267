using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Intake;

namespace Webhooks.Hosting.Console;

/// <summary>
/// The admin endpoints the console needs beyond the dead-letter API, behind the same key check in
/// <see cref="HttpAdmin"/>: <c>GET sources</c> (what to register with each provider, no secrets) and
/// <c>GET activity</c> (this instance's outcome counts over the last hour); see also <see cref="DeadLetterBodyDownload"/>.
/// </summary>
internal static class ConsoleAdminApi
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static IntakeResponse Sources(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<WebhooksOptions>>().CurrentValue;
        var log = services.GetService<HandshakeLog>();
        var pauses = services.GetService<TargetPauseRegistry>();
        var request = httpContext.Request;
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var sources = options.Sources
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => Describe(s.Key, s.Value, root, options.Intake.DefaultMaxBodyBytes, log, pauses))
            .ToList();
        return Json(new ConsoleSources(sources), ConsoleJsonContext.Default.ConsoleSources);
    }

    public static IntakeResponse Activity(HttpContext httpContext)
    {
        var activity = httpContext.RequestServices.GetService<DeliveryActivity>();
        var time = httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var window = activity?.Snapshot() ?? new ActivityWindow(time.GetUtcNow(), 60, []);
        return Json(window, ConsoleJsonContext.Default.ActivityWindow);
    }

    private static ConsoleSource Describe(string name, SourceOptions source, string root, long defaultMaxBodyBytes, HandshakeLog? log, TargetPauseRegistry? pauses)
    {
        var path = $"/api/webhooks/{Uri.EscapeDataString(name)}";
        return new ConsoleSource(
            name,
            path,
            root + path,
            source.Verification,
            source.State,
            source.Secrets.Count(s => !string.IsNullOrEmpty(s)),
            source.MaxBodyBytes ?? defaultMaxBodyBytes,
            source.RateLimit is { } rate ? new ConsoleRateLimit(rate.PermitsPerSecond, rate.Burst ?? Math.Max(1, (int)Math.Ceiling(rate.PermitsPerSecond))) : null,
            new ConsoleTarget(SafeUrl(source.Target.Url), source.Target.Auth.Type, pauses?.SeesPaused(name) ?? false),
            [.. source.Handshakes.Select(h => new ConsoleHandshake(h, log?.LastAnswered(name, h)))],
            [.. source.ResolveDestinations().Values
                .OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
                .Select(d => new ConsoleDestination(d.Name, SafeUrl(d.Url), d.Filter.Summary, pauses?.SeesPaused(DestinationNames.PauseKey(name, d.Name)) ?? false))]);
    }

    /// <summary>The target URL without user info, query or fragment: those may carry credentials (Functions <c>?code=</c>).</summary>
    private static string? SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : null;

    private static IntakeResponse Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) => new()
    {
        Status = 200,
        ContentType = JsonContentType,
        Body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo),
    };
}
