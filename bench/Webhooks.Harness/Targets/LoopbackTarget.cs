using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Webhooks.Harness.Targets;

/// <summary>
/// A downstream target on loopback Kestrel for load and reconciliation runs: answers each call as the responder
/// decides (by delivery id and the how-many-th call for that id it is) and keeps a compact ledger per delivery id
/// (the <c>Idempotency-Key</c> the worker sends). Built for tens of thousands of calls: no bodies are kept. Opt in
/// to <c>hashBodies</c> to record each body's length and SHA-256, computed while it is drained, so large bodies can be
/// checked byte-for-byte without being held.
/// </summary>
public sealed class LoopbackTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<string, int, TargetAnswer> _responder;
    private readonly bool _hashBodies;
    private readonly ConcurrentDictionary<string, TargetHistory> _histories = new(StringComparer.Ordinal);
    private long _calls;
    private long _successes;
    private long _firstCallTicks;
    private long _lastSuccessTicks;

    private LoopbackTarget(WebApplication app, Func<string, int, TargetAnswer> responder, bool hashBodies)
    {
        _app = app;
        _responder = responder;
        _hashBodies = hashBodies;
        _app.Run(HandleAsync);
    }

    /// <summary>Where the worker should POST (<c>http://127.0.0.1:port/hooks</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Calls received so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls answered 2xx (and completed) so far.</summary>
    public long Successes => Interlocked.Read(ref _successes);

    /// <summary>When the first call arrived (<see cref="System.Diagnostics.Stopwatch"/> ticks), or 0.</summary>
    public long FirstCallTimestamp => Interlocked.Read(ref _firstCallTicks);

    /// <summary>When the last 2xx was written (<see cref="System.Diagnostics.Stopwatch"/> ticks), or 0.</summary>
    public long LastSuccessTimestamp => Interlocked.Read(ref _lastSuccessTicks);

    /// <summary>Every delivery id seen, with what it was answered.</summary>
    public IReadOnlyDictionary<string, TargetHistory> Histories => _histories;

    /// <summary>Starts a target on a free loopback port.</summary>
    /// <param name="responder">Given the delivery id and the 1-based call number for that id, what to answer.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<LoopbackTarget> StartAsync(Func<string, int, TargetAnswer> responder, CancellationToken cancellationToken = default) =>
        StartAsync(responder, hashBodies: false, cancellationToken);

    /// <summary>Starts a target on a free loopback port, optionally hashing every body it receives.</summary>
    /// <param name="responder">Given the delivery id and the 1-based call number for that id, what to answer.</param>
    /// <param name="hashBodies">Record each body's length and SHA-256 in <see cref="TargetHistory.Bodies"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LoopbackTarget> StartAsync(Func<string, int, TargetAnswer> responder, bool hashBodies, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;

            // Take any body the worker sends (Kestrel's default cap, 30 MB, is near the product's 25 MiB limit and
            // below what a source may be configured to accept): a 413 from the harness would read as a product fault.
            k.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.ClearProviders();
        var target = new LoopbackTarget(builder.Build(), responder, hashBodies);
        await target._app.StartAsync(cancellationToken);
        var address = target._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        target.Url = new Uri(new Uri(address), "/hooks");
        return target;
    }

    /// <summary>A target that answers 200 to everything.</summary>
    public static Task<LoopbackTarget> StartAlwaysOkAsync(CancellationToken cancellationToken = default) =>
        StartAsync((_, _) => TargetAnswer.Ok, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstCallTicks, now, 0);
        Interlocked.Increment(ref _calls);

        // Drain the body (the worker sent it; we only need its id, and its digest when asked for).
        BodyDigest? digest = null;
        if (_hashBodies)
        {
            digest = await DigestAsync(context.Request.Body, context.RequestAborted);
        }
        else
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }

        var id = context.Request.Headers["Idempotency-Key"].ToString();
        var history = _histories.GetOrAdd(id, _ => new TargetHistory());
        var number = history.Begin();
        if (digest is { } received)
        {
            history.Received(received);
        }

        var answer = _responder(id, number);
        try
        {
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }

            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            if (answer.Status >= 400)
            {
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync($"{{\"status\":{answer.Status},\"title\":\"scripted\",\"errorCode\":\"scripted{answer.Status}\"}}", context.RequestAborted);
            }

            await context.Response.CompleteAsync();
            history.Complete(answer.Status);
            if (answer.Status is >= 200 and < 300)
            {
                Interlocked.Increment(ref _successes);
                Interlocked.Exchange(ref _lastSuccessTicks, System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The worker gave up (its timeout) or was killed: this call never delivered anything.
            history.Abort();
        }
    }

    // Incremental SHA-256 over a pooled buffer: the body passes through, only 32 bytes and a length stay.
    private static async Task<BodyDigest> DigestAsync(Stream body, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer.AsSpan(0, read));
                length += read;
            }

            return new BodyDigest(length, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>What the target answers one call.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Delay">How long to wait first (longer than the worker's timeout makes it a timeout).</param>
/// <param name="RetryAfterSeconds">A Retry-After header, in seconds.</param>
public sealed record TargetAnswer(int Status, TimeSpan Delay = default, int? RetryAfterSeconds = null)
{
    /// <summary>200 at once.</summary>
    public static TargetAnswer Ok { get; } = new(200);
}

/// <summary>The calls one delivery id received. Thread-safe.</summary>
public sealed class TargetHistory
{
    private readonly List<int> _completed = [];
    private readonly List<BodyDigest> _bodies = [];
    private int _calls;
    private int _aborted;

    /// <summary>Calls received (completed, aborted or still running).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls the caller abandoned before the answer was written.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Statuses written to the caller, in order.</summary>
    public IReadOnlyList<int> Completed
    {
        get
        {
            lock (_completed)
            {
                return [.. _completed];
            }
        }
    }

    /// <summary>Completed 2xx answers: 1 is a delivery, more are duplicates.</summary>
    public int Successes
    {
        get
        {
            lock (_completed)
            {
                return _completed.Count(s => s is >= 200 and < 300);
            }
        }
    }

    /// <summary>
    /// The length and SHA-256 of each body received, in arrival order (only when the target hashes bodies; a call
    /// the worker abandoned mid-body is not listed).
    /// </summary>
    public IReadOnlyList<BodyDigest> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    internal int Begin() => Interlocked.Increment(ref _calls);

    internal void Received(BodyDigest digest)
    {
        lock (_bodies)
        {
            _bodies.Add(digest);
        }
    }

    internal void Complete(int status)
    {
        lock (_completed)
        {
            _completed.Add(status);
        }
    }

    internal void Abort() => Interlocked.Increment(ref _aborted);
}
