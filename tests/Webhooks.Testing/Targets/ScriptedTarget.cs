using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Webhooks.Testing.Targets;

/// <summary>
/// A real HTTP target on loopback (Kestrel on 127.0.0.1, a free port) that answers a scripted sequence of replies —
/// then <see cref="Default"/> for ever — and records every request: headers, body bytes, arrival time, whether the
/// caller gave up. Thread-safe.
/// </summary>
public sealed class ScriptedTarget : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Queue<TargetReply> _script = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly WebApplication _app;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ScriptedTarget(WebApplication app)
    {
        _app = app;
        _app.Run(HandleAsync);
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:51234</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The URL to configure as a target: <see cref="BaseUri"/> plus <c>/hooks</c>.</summary>
    public Uri Url => new(BaseUri, "/hooks");

    /// <summary>What to answer once the script is used up. Default 200 with no body.</summary>
    public TargetReply Default
    {
        get { lock (_gate) { return field; } }
        set { lock (_gate) { field = value; } }
    } = TargetReply.Of(200);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a target on a free loopback port.</summary>
    public static async Task<ScriptedTarget> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var target = new ScriptedTarget(builder.Build());
        await target._app.StartAsync(cancellationToken);
        var address = target._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        target.BaseUri = new Uri(address);
        return target;
    }

    /// <summary>Appends replies to the script.</summary>
    public ScriptedTarget Enqueue(params TargetReply[] replies)
    {
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _script.Enqueue(reply);
            }
        }

        return this;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived and returns them all.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(requests => requests.Count >= count, timeout, $"{count} requests");

    /// <summary>Waits until at least <paramref name="count"/> requests were answered (reply written) and returns them all.</summary>
    /// <exception cref="TimeoutException">Fewer were answered within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForAnsweredAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(requests => requests.Count(r => r.Answered) >= count, timeout, $"{count} answered requests");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IReadOnlyList<ReceivedRequest>> WaitUntilAsync(Func<IReadOnlyList<ReceivedRequest>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (done(_requests))
                {
                    return [.. _requests];
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"The target did not see {what} within {timeout}; it saw {Requests.Count}: {string.Join(", ", Requests.Select(r => r.Reply.Status))}.");
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        ReceivedRequest request;
        lock (_gate)
        {
            var reply = _script.Count > 0 ? _script.Dequeue() : Default;
            request = new ReceivedRequest(
                _requests.Count + 1, DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), reply);
            _requests.Add(request);
            Signal();
        }

        try
        {
            if (request.Reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(request.Reply.Delay, context.RequestAborted);
            }

            context.Response.StatusCode = request.Reply.Status;
            foreach (var (name, value) in request.Reply.Headers)
            {
                context.Response.Headers.Append(name, value);
            }

            if (request.Reply.Body is { } text)
            {
                context.Response.ContentType = request.Reply.ContentType;
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
            }

            await context.Response.CompleteAsync();
            lock (_gate)
            {
                request.Answered = true;
                Signal();
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            lock (_gate)
            {
                request.Aborted = true;
                Signal();
            }
        }
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
