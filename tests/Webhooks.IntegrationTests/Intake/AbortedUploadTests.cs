using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Webhooks.IntegrationTests.Hosting;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Intake;

/// <summary>
/// Senders that reset the connection while their body is being read, over real Kestrel: the sender's problem, so
/// nothing is logged at Warning or above — in particular not Kestrel's "Reading is already in progress" from
/// draining a body whose read our code left pending.
/// </summary>
public sealed class AbortedUploadTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Resets = 20;

    [Fact]
    public async Task ClientsResettingMidBody_LeaveNoWarningOrErrorInTheLog()
    {
        var logs = new CapturingLoggerProvider();
        var queue = UniqueNames.Queue("aborted");
        await using var host = new WebhooksHostFactory(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Webhooks:Queues:Deliveries"] = queue,
            ["Webhooks:Queues:DeadLetter"] = queue + "-dlq",
            ["Webhooks:Delivery:Enabled"] = "false",
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = SignedRequests.Secret,
        }).WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)));
        host.UseKestrel(0);
        host.StartServer();
        var address = new Uri(host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

        for (var i = 0; i < Resets; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            var head = $"POST /api/webhooks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head + "{\"type\":\"" + new string('x', 1000)));
            await logs.WaitForAsync("Microsoft.AspNetCore.Hosting.Diagnostics", i + 1); // the request reached the app
            socket.LingerState = new LingerOption(true, 0); // close with a reset, not a FIN
            socket.Close();
        }

        await logs.WaitForAsync("Microsoft.AspNetCore.Server.Kestrel.Connections", Resets, "stopped");

        var problems = logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(3)));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

        public IEnumerable<(LogLevel Level, string Category, string Message)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        // A guard against a hang, not a measurement: waits for a count of log lines of one kind.
        public async Task WaitForAsync(string category, int count, string? containing = null)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (_entries.Count(e => e.Category == category && (containing is null || e.Message.Contains(containing, StringComparison.Ordinal))) < count)
            {
                await Task.Delay(20, guard.Token);
            }
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : " " + exception.Message)));
        }
    }
}
