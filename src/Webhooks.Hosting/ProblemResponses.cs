using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Intake;
using Webhooks.Problems;

namespace Webhooks.Hosting;

/// <summary>Problem answers produced by the hosting layer itself (server limits, unexpected failures, admin auth).</summary>
internal static class ProblemResponses
{
    private static readonly Dictionary<int, string> Codes = new()
    {
        [400] = ErrorCodes.InvalidRequest,
        [401] = ErrorCodes.InvalidApiKey,
        [403] = ErrorCodes.MissingPermission,
        [404] = ErrorCodes.NotFound,
        [408] = ErrorCodes.InvalidRequest,
        [413] = ErrorCodes.PayloadTooLarge,
        [500] = ErrorCodes.InternalError,
        [503] = ErrorCodes.QueueUnavailable,
    };

    public static IntakeResponse Create(HttpContext httpContext, int status, string message, string? traceId) =>
        Create(httpContext, new Problem(status, Codes.GetValueOrDefault(status, ErrorCodes.InternalError), message), traceId);

    public static IntakeResponse Create(HttpContext httpContext, Problem problem, string? traceId)
    {
        var time = httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return IntakeResponse.FromProblem(problem, httpContext.Request.Path.Value ?? string.Empty, time.GetUtcNow(), traceId);
    }
}
