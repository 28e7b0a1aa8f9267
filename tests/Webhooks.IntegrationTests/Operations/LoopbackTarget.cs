using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>
/// A real HTTP target on 127.0.0.1 (Kestrel, ephemeral port) that answers each path with a scripted status and
/// body, switchable while running, and records every call it receives.
/// </summary>
public sealed class LoopbackTarget : IAsyncDisposable
{
    /// <summary>Seed 004's 409 answer.</summary>
    public const string Seed004Conflict =
        "{\"timestamp\":\"2026-01-01T10:00:00.000+0000\",\"path\":\"/api/v2/accounts\",\"status\":409,\"error\":\"Conflict\"," +
        "\"errorCode\":\"userEmailConflict\",\"message\":\"The email is already used within your gym or chain\",\"metadata\":{\"entity\":\"ACCOUNT\"}}";

    /// <summary>Seed 002's 422 answer.</summary>
    public const string Seed002Invalid =
        "{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"],\"amount\":[\"The amount must be greater than 0.\"]}}";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _script = new(StringComparer.OrdinalIgnoreCase);

    private LoopbackTarget(WebApplication app) => _app = app;

    /// <summary>Calls received, in order.</summary>
    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    /// <summary>The base URL, e.g. http://127.0.0.1:51234.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public static async Task<LoopbackTarget> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var target = new LoopbackTarget(app);
        app.Run(target.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return target;
    }

    /// <summary>Makes <paramref name="path"/> answer <paramref name="status"/> with a JSON body.</summary>
    public void Answer(string path, int status, string body = "{}") => _script[path] = (status, body);

    public Uri UrlFor(string path) => new(BaseUri, path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "/";
        Calls.Enqueue(new ReceivedCall(path, context.Request.Headers["Idempotency-Key"].ToString(), body));
        var (status, answer) = _script.TryGetValue(path, out var scripted) ? scripted : (200, "{}");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    public sealed record ReceivedCall(string Path, string IdempotencyKey, string Body);
}
