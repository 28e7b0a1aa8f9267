namespace Webhooks.Problems;

/// <summary>
/// The stable camelCase codes every error body carries in <c>errorCode</c> (in the manner of seed 004's catalogue).
/// Clients may branch on them; never rename one.
/// </summary>
public static class ErrorCodes
{
    // 400
    public const string InvalidRequest = "invalidRequest";
    public const string InvalidJson = "invalidJson";
    public const string InvalidEncoding = "invalidEncoding";
    public const string UnknownDestination = "unknownDestination";

    // 401
    public const string MissingSignature = "missingSignature";
    public const string InvalidSignature = "invalidSignature";
    public const string TimestampOutOfWindow = "timestampOutOfWindow";
    public const string MissingApiKey = "missingApiKey";
    public const string InvalidApiKey = "invalidApiKey";

    // 403
    public const string ForbiddenAction = "forbiddenAction";
    public const string MissingPermission = "missingPermission";

    // 404
    public const string NotFound = "notFound";

    // 405, 406, 409, 413, 415
    public const string MethodNotAllowed = "methodNotAllowed";
    public const string NotAcceptable = "notAcceptable";
    public const string DuplicateDeliveryConflict = "duplicateDeliveryConflict";
    public const string PayloadTooLarge = "payloadTooLarge";
    public const string UnsupportedMediaType = "unsupportedMediaType";

    // 402, 422, 423, 429, 451
    public const string PaymentRequired = "paymentRequired";
    public const string InvalidArguments = "invalidArguments";
    public const string SourceLocked = "sourceLocked";
    public const string RateLimited = "rateLimited";
    public const string SourceSuspended = "sourceSuspended";

    // 5xx
    public const string InternalError = "internalError";
    public const string QueueUnavailable = "queueUnavailable";
    public const string DeliveryInProgress = "deliveryInProgress";
    public const string ServerBusy = "serverBusy";
}

/// <summary>Entity names for <c>metadata.entity</c> on 404 (seed 004's convention).</summary>
public static class ProblemEntities
{
    public const string Source = "SOURCE";
    public const string DeadLetter = "DEAD_LETTER";
    public const string Route = "ROUTE";
    public const string Target = "TARGET";
    public const string Destination = "DESTINATION";
}
