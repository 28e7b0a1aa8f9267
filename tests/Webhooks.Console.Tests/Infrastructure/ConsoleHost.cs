using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Webhooks.Verification;

namespace Webhooks.Console.Tests.Infrastructure;

/// <summary>
/// The real Kestrel host (the Server's Program: intake, delivery workers, admin API, console) on a loopback port,
/// over a private Azurite, with two loopback targets: <c>members</c> answers seed 004's 409 and <c>orders</c> seed
/// 002's 422 until told otherwise. Every log line the host writes is kept, to show the admin key never appears.
/// </summary>
public sealed class ConsoleHost : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _extraSettings = new Dictionary<string, string?>();

    /// <summary>The collection's host (xunit builds fixtures through their one public constructor).</summary>
    public ConsoleHost()
    {
    }

    /// <summary>A host of a test's own, with <paramref name="extraSettings"/> (another source, say) applied last.</summary>
    internal ConsoleHost(IReadOnlyDictionary<string, string?> extraSettings) => _extraSettings = extraSettings;

    /// <summary>The admin key configured on the host.</summary>
    public const string AdminKey = "console-admin-key-7f3c9a1e5b";

    public const string MembersSecret = "whsec_bWVtYmVycy1zZWNyZXQtZm9yLXRlc3RzLTAxMjM0NTY3";

    /// <summary>Seed 004's 409 answer.</summary>
    public const string Seed004Conflict =
        "{\"timestamp\":\"2026-01-01T10:00:00.000+0000\",\"path\":\"/api/v2/accounts\",\"status\":409,\"error\":\"Conflict\"," +
        "\"errorCode\":\"userEmailConflict\",\"message\":\"The email is already used within your gym or chain\",\"metadata\":{\"entity\":\"ACCOUNT\"}}";

    /// <summary>Seed 002's 422 answer.</summary>
    public const string Seed002Invalid =
        "{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":[\"The email field is required.\"],\"amount\":[\"The amount must be greater than 0.\"]}}";

    private const string OrdersSecret = "orders-github-secret";

    private readonly AzuriteFixture _azurite = new();
    private Factory? _factory;

    public ScriptedTarget Members { get; private set; } = null!;

    public ScriptedTarget Orders { get; private set; } = null!;

    /// <summary>The host's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Everything the host logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A client for the host (no admin key unless a call adds one).</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Members = await ScriptedTarget.StartAsync();
        Members.Default = TargetReply.Json(409, Seed004Conflict);
        Orders = await ScriptedTarget.StartAsync();
        Orders.Default = TargetReply.Json(422, Seed002Invalid);

        _factory = new Factory(Settings(), Logs);
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
        Http = new HttpClient { BaseAddress = BaseUri };
    }

    /// <summary>Posts a Standard Webhooks-signed delivery to <c>members</c> through real intake; returns the status.</summary>
    public Task<HttpStatusCode> SendToMembersAsync(string id, string body) => SendStandardWebhooksAsync("members", id, body);

    /// <summary>Posts a delivery signed with <see cref="MembersSecret"/> (Standard Webhooks) to <paramref name="source"/>; returns the status.</summary>
    public async Task<HttpStatusCode> SendStandardWebhooksAsync(string source, string id, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{source}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        foreach (var (name, value) in StandardWebhooksSigner.CreateHeaders(MembersSecret, id, DateTimeOffset.UtcNow, bytes))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Posts a GitHub-signed delivery to <c>orders</c> through real intake; returns the status.</summary>
    public async Task<HttpStatusCode> SendToOrdersAsync(string id, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/orders") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(OrdersSecret), bytes));
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + signature);
        request.Headers.TryAddWithoutValidation("X-GitHub-Delivery", id);
        request.Headers.TryAddWithoutValidation("X-GitHub-Event", "order");
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>An admin API call with the admin key.</summary>
    public async Task<JsonElement> AdminGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/" + path);
        request.Headers.Add("x-api-key", AdminKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits until the dead-letter queue lists <paramref name="count"/> entries (the worker runs in the host).</summary>
    public async Task WaitForDeadLettersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        int total;
        while ((total = (await AdminGetAsync("deadletters?take=1")).GetProperty("total").GetInt32()) != count)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} dead letters within {timeout}; there are {total}.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Members.DisposeAsync();
        await Orders.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private Dictionary<string, string?> Settings()
    {
        var prefix = UniqueNames.Queue("console");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = prefix,
            ["Webhooks:Queues:DeadLetter"] = prefix + "-dlq",
            ["Webhooks:Queues:Payloads"] = prefix + "-payloads",
            ["Webhooks:Admin:ApiKeys:0"] = AdminKey,
            ["Webhooks:Delivery:AllowPrivateNetworkTargets"] = "true",
            ["Webhooks:Delivery:BaseDelay"] = "00:00:00.050",
            ["Webhooks:Delivery:Jitter"] = "none",
            ["Webhooks:Delivery:MaxPollingInterval"] = "00:00:00.200",
            ["Webhooks:Sources:members:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:members:Secrets:0"] = MembersSecret,
            ["Webhooks:Sources:members:Target:Url"] = Members.Url.ToString(),
            ["Webhooks:Sources:members:Handshakes:0"] = "cloudevents",
            ["Webhooks:Sources:orders:Verification"] = "github",
            ["Webhooks:Sources:orders:Secrets:0"] = OrdersSecret,
            ["Webhooks:Sources:orders:Target:Url"] = Orders.Url + "?code=target-function-key",
            ["Webhooks:Sources:orders:RateLimit:PermitsPerSecond"] = "20",
        };
        foreach (var (key, value) in _extraSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, CapturedLogs logs) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            return base.CreateHost(builder);
        }
    }
}

/// <summary>Keeps every formatted log line (with exceptions) of the host.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(string.Create(CultureInfo.InvariantCulture, $"{logLevel} {category}: {formatter(state, exception)} {exception}"));
    }
}
