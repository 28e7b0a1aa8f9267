using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Queues;
using Webhooks.Envelopes;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Targets;
using Xunit.Abstractions;

namespace Webhooks.IntegrationTests.FanOut;

/// <summary>
/// A crash between fan-out and completion duplicates, never loses (issue 16): a real <c>Webhooks.Server</c> process
/// delivering a burst to a source with three filtered destinations is SIGKILLed three times mid-burst and restarted;
/// afterwards every destination has received every delivery its filter selects (its own Idempotency-Key, the body
/// byte for byte) and nothing it does not select. Duplicates are allowed, and counted.
/// </summary>
public sealed class FanOutCrashTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Deliveries = 180;
    private static readonly string ServerAssembly = Path.Combine(AppContext.BaseDirectory, "Webhooks.Server.dll");

    // Bounds against a hang, not measurements: the test waits for counts, never for time.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task SigkillDuringAFannedOutBurst_LosesNoDestinationsDelivery()
    {
        // Slow enough that many deliveries are between fan-out and completion when the process dies.
        await using var billing = await ScriptedTarget.StartAsync();
        await using var crm = await ScriptedTarget.StartAsync();
        await using var audit = await ScriptedTarget.StartAsync();
        foreach (var target in new[] { billing, crm, audit })
        {
            target.Default = TargetReply.Of(200).After(TimeSpan.FromMilliseconds(15));
        }

        var queueName = UniqueNames.Queue("fancrash");
        var queue = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }); // as the app writes them
        await queue.CreateIfNotExistsAsync();
        var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < Deliveries; i++)
        {
            var type = (i % 3) switch { 0 => "invoice.paid", 1 => "customer.updated", _ => "charge.refunded" };
            var id = $"evt_{i:D4}";
            bodies[id] = Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"type\":\"{type}\",\"n\":{i}}}");
            var envelope = new DeliveryEnvelope { Id = id, Source = "stripe", ReceivedAt = DateTimeOffset.UtcNow, ContentType = "application/json", Body = bodies[id] };
            await queue.SendMessageAsync(new BinaryData(EnvelopeSerializer.Serialize(envelope)), null, TimeSpan.FromSeconds(-1));
        }

        var expected = bodies.Keys.ToDictionary(id => id, id => Selecting(Encoding.UTF8.GetString(bodies[id])), StringComparer.Ordinal);
        var expectedCalls = expected.Values.Sum(d => d.Count);
        var settings = Settings(queueName, billing, crm, audit);
        var targets = new Dictionary<string, ScriptedTarget> { ["billing"] = billing, ["crm"] = crm, ["audit"] = audit };
        int Answered() => targets.Values.Sum(t => t.Requests.Count(r => r.Answered));

        // Three kills at a quarter, half and three quarters of the calls, then a last run that drains the queue.
        var kills = 0;
        foreach (var fraction in new[] { 0.25, 0.5, 0.75 })
        {
            using var server = await ServerProcess.StartAsync(ServerAssembly, settings, Patience);
            await WaitUntilAsync(() => Answered() >= (int)(expectedCalls * fraction), $"{fraction:P0} of the calls", server);
            server.Kill();
            kills++;
        }

        using (var last = await ServerProcess.StartAsync(ServerAssembly, settings, Patience))
        {
            await WaitUntilAsync(() => Missing(targets, expected).Count == 0, "every selected (delivery, destination) call", last);
            await WaitUntilAsync(() => Depth(queue) == 0, "an empty deliveries queue", last);
        }

        var duplicates = 0;
        foreach (var (name, target) in targets)
        {
            var answered = target.Requests.Where(r => r.Answered).ToList();
            foreach (var request in answered)
            {
                var key = request.Header("Idempotency-Key")!;
                var id = key[..key.IndexOf(':', StringComparison.Ordinal)];
                Assert.Equal($"{id}:{name}", key);
                Assert.Contains(name, expected[id]); // nothing its filter does not select
                Assert.Equal(bodies[id], request.Body);
            }

            duplicates += answered.Count - answered.Select(r => r.Header("Idempotency-Key")).Distinct(StringComparer.Ordinal).Count();
        }

        Assert.Empty(Missing(targets, expected));
        Assert.Equal(3, kills);
        output.WriteLine($"{Deliveries} deliveries, {expectedCalls} selected destination calls, {kills} SIGKILLs: 0 lost, {duplicates} duplicate calls.");
    }

    // What the destinations' filters below select for a body.
    private static List<string> Selecting(string body)
    {
        var selected = new List<string> { "audit" };
        if (body.Contains("\"invoice.", StringComparison.Ordinal))
        {
            selected.Add("billing");
        }

        if (body.Contains("\"customer.", StringComparison.Ordinal))
        {
            selected.Add("crm");
        }

        return selected;
    }

    private static List<string> Missing(Dictionary<string, ScriptedTarget> targets, Dictionary<string, List<string>> expected)
    {
        var received = targets.SelectMany(t => t.Value.Requests.Where(r => r.Answered).Select(r => r.Header("Idempotency-Key"))).ToHashSet(StringComparer.Ordinal);
        return [.. expected.SelectMany(e => e.Value.Select(d => $"{e.Key}:{d}")).Where(key => !received.Contains(key))];
    }

    private static long Depth(QueueClient queue) => queue.GetProperties().Value.ApproximateMessagesCount;

    private async Task WaitUntilAsync(Func<bool> done, string what, ServerProcess server)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (server.HasExited || watch.Elapsed > Patience)
            {
                output.WriteLine(server.Output);
                throw new TimeoutException($"Waiting for {what}: the server {(server.HasExited ? "exited" : "did not get there")}. Its log ends:\n{Tail(server.Output)}");
            }

            await Task.Delay(50);
        }
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];

    private Dictionary<string, string> Settings(string queue, ScriptedTarget billing, ScriptedTarget crm, ScriptedTarget audit) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Webhooks__Queues__Deliveries"] = queue,
        ["Webhooks__Queues__DeadLetter"] = queue + "-dlq",
        ["Webhooks__Queues__Pauses"] = UniqueNames.Table("pauses"),
        ["Webhooks__Delivery__AllowPrivateNetworkTargets"] = "true",

        // A killed worker's messages come back quickly.
        ["Webhooks__Delivery__VisibilityTimeout"] = "00:00:05",
        ["Webhooks__Delivery__Timeout"] = "00:00:02",
        ["Webhooks__Delivery__MaxPollingInterval"] = "00:00:00.200",
        ["Webhooks__Delivery__BaseDelay"] = "00:00:00.100",
        ["Webhooks__Delivery__Jitter"] = "none",
        ["Webhooks__Sources__stripe__Verification"] = "stripe",
        ["Webhooks__Sources__stripe__Secrets__0"] = "whsec_crash-test-secret",
        ["Webhooks__Sources__stripe__Destinations__billing__Url"] = billing.Url.ToString(),
        ["Webhooks__Sources__stripe__Destinations__billing__Filter__type"] = "invoice.*",
        ["Webhooks__Sources__stripe__Destinations__crm__Url"] = crm.Url.ToString(),
        ["Webhooks__Sources__stripe__Destinations__crm__Filter__type"] = "customer.*",
        ["Webhooks__Sources__stripe__Destinations__audit__Url"] = audit.Url.ToString(),
    };

    /// <summary>The real server as a child process, configured through its environment, killed with SIGKILL.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        // A free port can be taken by another process before the server binds it (the machine is shared): the server
        // then exits at once, and is started again on another port.
        public static async Task<ServerProcess> StartAsync(string assembly, Dictionary<string, string> settings, TimeSpan patience)
        {
            for (var attempt = 1; ; attempt++)
            {
                var server = await TryStartAsync(assembly, settings, patience);
                if (!server.HasExited || attempt == 3)
                {
                    return server;
                }

                server.Dispose();
            }
        }

        private static async Task<ServerProcess> TryStartAsync(string assembly, Dictionary<string, string> settings, TimeSpan patience)
        {
            var port = FreePort();
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
            info.ArgumentList.Add(assembly);
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Webhooks__", StringComparison.OrdinalIgnoreCase) || k == "AzureWebJobsStorage").ToList())
            {
                info.Environment.Remove(key);
            }

            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            info.Environment["Urls"] = $"http://127.0.0.1:{port}";
            foreach (var (key, value) in settings)
            {
                info.Environment[key] = value;
            }

            var server = new ServerProcess(Process.Start(info)!);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    // Our health report (queue depths by key), not whatever else might have bound the port meanwhile.
                    using var health = await http.GetAsync("/api/health");
                    if ((await health.Content.ReadAsStringAsync()).Contains("\"deadLetter\"", StringComparison.Ordinal))
                    {
                        return server;
                    }

                    if (server.HasExited || watch.Elapsed >= patience)
                    {
                        return server;
                    }

                    await Task.Delay(100);
                }
                catch (HttpRequestException) when (!server.HasExited && watch.Elapsed < patience)
                {
                    await Task.Delay(100);
                }
                catch (HttpRequestException) when (server.HasExited)
                {
                    return server;
                }
            }
        }

        /// <summary>SIGKILL: no shutdown, no grace period, in-flight work abandoned.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
