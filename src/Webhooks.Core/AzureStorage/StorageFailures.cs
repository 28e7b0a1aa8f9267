using System.Net.Sockets;
using Azure;
using Azure.Identity;

namespace Webhooks.AzureStorage;

/// <summary>
/// Recognises every shape in which the SDK reports that storage could not be used: the service's answer
/// (<see cref="RequestFailedException"/>), retries exhausted (<see cref="AggregateException"/> of those), its own
/// network timeout (<see cref="TaskCanceledException"/> the caller did not ask for), a refused or reset connection,
/// or no token for Entra ID. Intake answers them 503 and workers back off; none may become a 500 or a crash.
/// </summary>
public static class StorageFailures
{
    /// <summary>True when <paramref name="exception"/> means storage failed, not that <paramref name="callerToken"/> was cancelled.</summary>
    public static bool IsStorageFailure(Exception exception, CancellationToken callerToken = default) => exception switch
    {
        RequestFailedException or HttpRequestException or IOException or SocketException or AuthenticationFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => IsStorageFailure(inner, callerToken)),
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The service's status when it answered (0 when it never did: timeout, refused connection, no token).</summary>
    public static int StatusOf(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status,
        AggregateException aggregate => aggregate.InnerExceptions.Select(StatusOf).LastOrDefault(),
        _ => 0,
    };

    /// <summary>A short description for logs and operator messages: status and error code, never a URL or secret.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RequestFailedException failed => $"{failed.Status} {failed.ErrorCode}".Trim(),
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        OperationCanceledException => "timed out",
        _ => exception.GetType().Name,
    };

    /// <summary>
    /// True when the service answered every try (so nothing was written), false when the outcome is unknown (a
    /// timeout). With <paramref name="transientCounts"/> false, only refusals that would not change on a retry
    /// count (4xx other than 408 and 429): the service turned down this request, it is not merely busy or down.
    /// </summary>
    public static bool IsDefiniteRefusal(Exception exception, bool transientCounts = true) => exception switch
    {
        RequestFailedException { Status: > 0 } failed => transientCounts || failed.Status is >= 400 and < 500 and not 408 and not 429,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => IsDefiniteRefusal(inner, transientCounts)),
        _ => false,
    };
}
