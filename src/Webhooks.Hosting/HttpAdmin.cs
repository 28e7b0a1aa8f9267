using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Delivery;
using Webhooks.Intake;
using Webhooks.Problems;
using Webhooks.AzureStorage;

namespace Webhooks.Hosting;

/// <summary>
/// The admin API under <c>/api/admin/{*path}</c>, a thin presenter over <see cref="DeadLetterStore"/>. Both hosts
/// call <see cref="HandleAsync"/>: the Kestrel host through <c>MapWebhooks</c>, the Functions app from its HTTP trigger.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>GET deadletters</c> — filters <c>source, destination, reason, status, errorCode, from, to, poisoned</c>; paging <c>limit</c> (or <c>take</c>)
/// and <c>continue</c> (the previous page's <c>continuation</c>; <c>hasMore</c> says whether one exists); <c>skip</c> still works, walking pages.</item>
/// <item><c>GET deadletters/{id}</c> — one entry by delivery id or message id, full record.</item>
/// <item><c>GET deadletters/{id}/body</c> — its delivery body as a download (inline or claim check); <c>Range: bytes=0-N</c> for a preview.</item>
/// <item><c>POST deadletters/replay</c> — body <c>{"ids":[…]}</c> or <c>{"all":true, filters…}</c>, <c>dryRun</c>, <c>rate</c>,
/// <c>maxItems</c>, <c>continue</c>, <c>toDestination</c> (body or query: another destination of the same source; unknown → 400
/// <c>unknownDestination</c> before anything moves). Runs at most 180 s per request; an unfinished one answers <c>complete: false</c> with a <c>continuation</c>.</item>
/// <item><c>DELETE deadletters?confirm=true</c> — purge <c>id=</c> values, or <c>all=true</c> with filters; <c>maxItems</c>, <c>continue</c> as for replay.</item>
/// <item><c>GET queues</c> — depth and oldest age of every queue.</item>
/// <item><c>GET targets</c>, <c>POST targets/{source}/resume</c> — paused targets of this instance; a named destination's pause is
/// listed as <c>source:destination</c> and resumed at <c>targets/{source}:{destination}/resume</c> or <c>targets/{source}/{destination}/resume</c>.</item>
/// <item><c>GET sources</c>, <c>GET activity</c> — for the console: sources without secrets, and this instance's last hour of outcomes.</item>
/// </list>
/// A query key (or replay body field) an endpoint does not take is a 400 naming it, so a typo never widens a
/// selection; acting on every matching entry always needs an explicit <c>all=true</c>.
/// Every request needs an admin key in <c>x-api-key</c> (<c>Webhooks:Admin:ApiKeys</c>): none → 401, another → 403.
/// Errors are problem bodies written by the same <see cref="ProblemWriter"/> as intake's.
/// </remarks>
public static class HttpAdmin
{
    private const string JsonContentType = "application/json; charset=utf-8";

    // How long one replay or purge request starts new entries for: well inside the Functions front end's 230 s.
    private static readonly TimeSpan ReplayBudget = TimeSpan.FromSeconds(180);

    /// <summary>Handles one admin request and writes the full response.</summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="path">The part after <c>/api/admin/</c>, e.g. <c>deadletters/replay</c>.</param>
    public static async Task HandleAsync(HttpContext httpContext, string path)
    {
        var services = httpContext.RequestServices;
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        IntakeResponse response;
        try
        {
            var adminKeys = services.GetRequiredService<IOptionsMonitor<WebhooksOptions>>().CurrentValue.Admin.ApiKeys;
            var denied = AdminAuthorization.Check(httpContext.Request.Headers[AdminAuthorization.HeaderName].ToString(), adminKeys);
            response = denied is not null
                ? Problem(httpContext, denied, traceId)
                : await RouteAsync(httpContext, Segments(path), traceId);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            return; // The caller went away; a scan in progress has released what it held.
        }
        catch (Exception ex) when (StorageFailures.IsStorageFailure(ex, httpContext.RequestAborted))
        {
            Logger(services).LogWarning("Admin request could not reach Storage: {Error} (trace {TraceId})", StorageFailures.Describe(ex), traceId);
            response = Problem(httpContext, new Problem(503, ErrorCodes.QueueUnavailable, "The storage queues cannot be reached right now; try again shortly.").WithHeader("Retry-After", "10"), traceId);
        }
        catch (Exception ex)
        {
            Logger(services).LogError(ex, "Unexpected failure in the admin API (trace {TraceId})", traceId);
            response = Problem(httpContext, new Problem(500, ErrorCodes.InternalError, "An unexpected error occurred. Quote the traceId when reporting it."), traceId);
        }

        await ResponseWriter.WriteAsync(httpContext, response);
    }

    private static Task<IntakeResponse> RouteAsync(HttpContext httpContext, string[] segments, string traceId)
    {
        var method = httpContext.Request.Method;
        return segments switch
        {
            ["deadletters"] when HttpMethods.IsGet(method) => ListAsync(httpContext, traceId),
            ["deadletters"] when HttpMethods.IsDelete(method) => PurgeAsync(httpContext, traceId),
            ["deadletters"] => NotAllowed(httpContext, "GET, DELETE", traceId),
            ["deadletters", "replay"] when HttpMethods.IsPost(method) => ReplayAsync(httpContext, traceId),
            ["deadletters", "replay"] => NotAllowed(httpContext, "POST", traceId),
            ["deadletters", var id] when HttpMethods.IsGet(method) => WithoutQuery(httpContext, traceId, () => ShowAsync(httpContext, id, traceId)),
            ["deadletters", var id, "body"] when HttpMethods.IsGet(method) => Console.DeadLetterBodyDownload.HandleAsync(httpContext, Store(httpContext), id, traceId),
            ["deadletters", _, "body"] => NotAllowed(httpContext, "GET", traceId),
            ["deadletters", _] => NotAllowed(httpContext, "GET", traceId),
            ["queues"] when HttpMethods.IsGet(method) => WithoutQuery(httpContext, traceId, () => QueuesAsync(httpContext)),
            ["queues"] => NotAllowed(httpContext, "GET", traceId),
            ["targets"] when HttpMethods.IsGet(method) => WithoutQuery(httpContext, traceId, () => TargetsAsync(httpContext)),
            ["targets"] => NotAllowed(httpContext, "GET", traceId),
            ["targets", var source, "resume"] when HttpMethods.IsPost(method) => WithoutQuery(httpContext, traceId, () => ResumeAsync(httpContext, source, traceId)),
            ["targets", _, "resume"] => NotAllowed(httpContext, "POST", traceId),
            ["targets", var source, var destination, "resume"] when HttpMethods.IsPost(method) => WithoutQuery(httpContext, traceId, () => ResumeAsync(httpContext, $"{source}:{destination}", traceId)),
            ["targets", _, _, "resume"] => NotAllowed(httpContext, "POST", traceId),
            ["sources"] when HttpMethods.IsGet(method) => Task.FromResult(Console.ConsoleAdminApi.Sources(httpContext)),
            ["sources"] => NotAllowed(httpContext, "GET", traceId),
            ["activity"] when HttpMethods.IsGet(method) => Task.FromResult(Console.ConsoleAdminApi.Activity(httpContext)),
            ["activity"] => NotAllowed(httpContext, "GET", traceId),
            _ => Task.FromResult(Problem(httpContext, new Problem(404, ErrorCodes.NotFound, "No admin endpoint at this path.") { Entity = ProblemEntities.Route }, traceId)),
        };
    }

    // Endpoints that take no query parameters still refuse them: a caller who adds one expects it to mean something.
    private static Task<IntakeResponse> WithoutQuery(HttpContext httpContext, string traceId, Func<Task<IntakeResponse>> handle)
    {
        var query = new AdminQuery(httpContext.Request.Query);
        return query.Errors.Count > 0 ? Task.FromResult(Invalid(httpContext, query.Errors, traceId)) : handle();
    }

    private static async Task<IntakeResponse> ListAsync(HttpContext httpContext, string traceId)
    {
        var query = new AdminQuery(httpContext.Request.Query, [.. AdminQuery.FilterKeys, "skip", "take", "limit", "continue"]);
        var filter = query.Filter();
        var skip = query.Skip();
        var limit = query.Limit();
        var continuation = query.Continuation();
        if (query.Errors.Count > 0)
        {
            return Invalid(httpContext, query.Errors, traceId);
        }

        var store = Store(httpContext);
        DeadLetterPage page;
        try
        {
            page = store.IsIndexed && skip == 0
                ? await store.PageAsync(filter, limit, continuation, httpContext.RequestAborted)
                : await store.ListAsync(filter, skip, limit, httpContext.RequestAborted);
        }
        catch (ArgumentException ex) when (ex.ParamName == "continuation")
        {
            return Invalid(httpContext, new Dictionary<string, string[]> { ["continue"] = [ex.Message] }, traceId);
        }

        return Json(page, DeadLetterJsonContext.Default.DeadLetterPage);
    }

    private static async Task<IntakeResponse> ShowAsync(HttpContext httpContext, string id, string traceId)
    {
        var entry = await Store(httpContext).GetAsync(id, httpContext.RequestAborted);
        return entry is null
            ? Problem(httpContext, new Problem(404, ErrorCodes.NotFound, $"No dead-letter entry with id '{id}'.") { Entity = ProblemEntities.DeadLetter }, traceId)
            : Json(entry, DeadLetterJsonContext.Default.DeadLetterEntry);
    }

    private static async Task<IntakeResponse> ReplayAsync(HttpContext httpContext, string traceId)
    {
        if (httpContext.Request.ContentLength > AdminReplayRequest.MaxBodyBytes)
        {
            return Problem(httpContext, new Problem(413, ErrorCodes.PayloadTooLarge, $"The replay request body may be at most {AdminReplayRequest.MaxBodyBytes} bytes."), traceId);
        }

        var body = await ReadBodyAsync(httpContext.Request.Body, AdminReplayRequest.MaxBodyBytes + 1, httpContext.RequestAborted);
        if (body.Length > AdminReplayRequest.MaxBodyBytes)
        {
            return Problem(httpContext, new Problem(413, ErrorCodes.PayloadTooLarge, $"The replay request body may be at most {AdminReplayRequest.MaxBodyBytes} bytes."), traceId);
        }

        var request = AdminReplayRequest.TryParse(body, out var errors);
        var query = new AdminQuery(httpContext.Request.Query, "dryRun", "toDestination");
        var queryDryRun = query.Bool("dryRun");
        var queryDestination = query.Text("toDestination");
        if (request?.ToDestination is { } bodyDestination && queryDestination is not null && !string.Equals(bodyDestination, queryDestination, StringComparison.OrdinalIgnoreCase))
        {
            query.Errors["toDestination"] = ["The body and the query name different destinations; give one."];
        }

        if (request is null || query.Errors.Count > 0)
        {
            foreach (var (field, messages) in query.Errors)
            {
                errors[field] = messages;
            }

            return Invalid(httpContext, errors, traceId);
        }

        string? toDestination = null;
        if ((request.ToDestination ?? queryDestination) is { } asked)
        {
            var options = httpContext.RequestServices.GetRequiredService<IOptionsMonitor<WebhooksOptions>>().CurrentValue;
            var check = await ReplayDestinationCheck.CheckAsync(asked, request.Selection, options.Sources, Store(httpContext), "toDestination", httpContext.RequestAborted);
            if (check.Problem is { } refused)
            {
                return Problem(httpContext, refused, traceId);
            }

            toDestination = check.Destination;
        }

        // Bounded to what fits one request (the Functions front end cuts requests at 230 s): an unfinished replay
        // answers with a continuation that the next call passes back.
        var budget = new DeadLetterBudget { MaxDuration = ReplayBudget, MaxItems = request.MaxItems, Continuation = request.Continuation };
        ReplayResult result;
        try
        {
            result = await Store(httpContext).ReplayAsync(
                request.Selection,
                new ReplayOptions { DryRun = request.DryRun || queryDryRun == true, RatePerSecond = request.Rate, Budget = budget, ToDestination = toDestination },
                cancellationToken: httpContext.RequestAborted);
        }
        catch (ArgumentException ex) when (ex.ParamName == "continuation")
        {
            return Invalid(httpContext, new Dictionary<string, string[]> { ["continue"] = [ex.Message] }, traceId);
        }

        Logger(httpContext.RequestServices).LogInformation(
            "Admin replay: {Matched} matched, {Replayed} replayed, {Failed} failed (dry run: {DryRun}, to destination: {ToDestination}, trace {TraceId})",
            result.Matched, result.Replayed, result.Failed, result.DryRun, toDestination ?? "(their own)", traceId);
        return Json(result, DeadLetterJsonContext.Default.ReplayResult);
    }

    private static async Task<IntakeResponse> PurgeAsync(HttpContext httpContext, string traceId)
    {
        var query = new AdminQuery(httpContext.Request.Query, [.. AdminQuery.FilterKeys, "id", "all", "confirm", "maxItems", "continue"]);
        var filter = query.Filter();
        var ids = query.Ids();
        var all = query.Bool("all") == true;
        var confirmed = query.Bool("confirm") == true;
        if (ids.Count == 0 && !all && !query.Errors.ContainsKey("all"))
        {
            query.Errors["all"] = ["Name the entries with id=…, or add all=true to purge every entry matching the filters."];
        }
        else if (ids.Count > 0 && all)
        {
            query.Errors["all"] = ["Give id values or all=true, not both."];
        }

        var maxItems = query.MaxItems();
        var continuation = query.Continuation();
        if (query.Errors.Count > 0)
        {
            return Invalid(httpContext, query.Errors, traceId);
        }

        if (!confirmed)
        {
            return Problem(httpContext, new Problem(400, ErrorCodes.InvalidRequest, "Purging deletes entries for good: repeat the request with ?confirm=true.")
            {
                Errors = new Dictionary<string, string[]> { ["confirm"] = ["Add confirm=true to purge."] },
            }, traceId);
        }

        var selection = new DeadLetterSelection { Ids = ids, Filter = filter, All = all };
        var budget = new DeadLetterBudget { MaxDuration = ReplayBudget, MaxItems = maxItems, Continuation = continuation };
        PurgeResult result;
        try
        {
            result = await Store(httpContext).PurgeAsync(selection, budget, cancellationToken: httpContext.RequestAborted);
        }
        catch (ArgumentException ex) when (ex.ParamName == "continuation")
        {
            return Invalid(httpContext, new Dictionary<string, string[]> { ["continue"] = [ex.Message] }, traceId);
        }

        Logger(httpContext.RequestServices).LogWarning("Admin purge: {Deleted} of {Matched} dead-letter entries deleted (trace {TraceId})", result.Deleted, result.Matched, traceId);
        return Json(result, DeadLetterJsonContext.Default.PurgeResult);
    }

    private static async Task<IntakeResponse> QueuesAsync(HttpContext httpContext)
    {
        var stats = await Store(httpContext).QueueStatsAsync(httpContext.RequestAborted);
        return Json(stats, DeadLetterJsonContext.Default.IReadOnlyListQueueStats);
    }

    // Read from the shared pause table, so every instance answers the same; held counts are distinct deliveries.
    private static async Task<IntakeResponse> TargetsAsync(HttpContext httpContext)
    {
        var registry = httpContext.RequestServices.GetService<TargetPauseRegistry>();
        var paused = registry is null ? [] : await registry.SnapshotAsync(httpContext.RequestAborted);
        return Json(new AdminTargets(paused), AdminJsonContext.Default.AdminTargets);
    }

    // "source" for its default destination, "source:destination" for a named one: the key the pause is kept under.
    private static async Task<IntakeResponse> ResumeAsync(HttpContext httpContext, string target, string traceId)
    {
        var (source, destination) = DestinationNames.ParsePauseKey(target);
        var options = httpContext.RequestServices.GetRequiredService<IOptionsMonitor<WebhooksOptions>>().CurrentValue;
        if (!options.Sources.TryGetValue(source, out var configured))
        {
            return Problem(httpContext, new Problem(404, ErrorCodes.NotFound, $"No webhook source named '{source}' is configured.") { Entity = ProblemEntities.Source }, traceId);
        }

        // A bare source name is its default destination; a source with named destinations has none, and its pause
        // key is the bare name too, so only a named destination is checked.
        if (!DestinationNames.IsDefault(destination))
        {
            if (!configured.ResolveDestinations().TryGetValue(destination, out var resolved))
            {
                return Problem(httpContext, new Problem(404, ErrorCodes.NotFound, $"Source '{source}' has no destination named '{destination}'.") { Entity = ProblemEntities.Destination }, traceId);
            }

            destination = resolved.Name;
        }

        var key = DestinationNames.PauseKey(source, destination);
        var registry = httpContext.RequestServices.GetService<TargetPauseRegistry>();
        var resumed = registry is not null && await registry.ResumeAsync(key, "admin API", httpContext.RequestAborted);
        return Json(new AdminResumeResult(source, destination, key, resumed), AdminJsonContext.Default.AdminResumeResult);
    }

    private static DeadLetterStore Store(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        return services.GetService<DeadLetterStore>()
            ?? new DeadLetterStore(services.GetRequiredService<WebhookQueues>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    private static Task<IntakeResponse> NotAllowed(HttpContext httpContext, string allow, string traceId) =>
        Task.FromResult(Problem(httpContext, new Problem(405, ErrorCodes.MethodNotAllowed, $"{httpContext.Request.Method} is not allowed here; use {allow}.").WithHeader("Allow", allow), traceId));

    private static IntakeResponse Invalid(HttpContext httpContext, Dictionary<string, string[]> errors, string traceId) =>
        Problem(httpContext, new Problem(400, ErrorCodes.InvalidRequest, "Some parameters are invalid; see errors.") { Errors = errors }, traceId);

    private static IntakeResponse Problem(HttpContext httpContext, Problem problem, string traceId) =>
        ProblemResponses.Create(httpContext, problem, traceId);

    private static IntakeResponse Json<T>(T value, JsonTypeInfo<T> typeInfo) => new()
    {
        Status = 200,
        ContentType = JsonContentType,
        Body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo),
    };

    private static string[] Segments(string? path) =>
        (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<byte[]> ReadBodyAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpAdmin));
}
