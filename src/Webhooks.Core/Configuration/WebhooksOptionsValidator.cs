using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Webhooks.Intake;
using Webhooks.Verification;

namespace Webhooks.Configuration;

/// <summary>
/// Refuses a configuration that would fail at request time: unknown schemes, signed schemes without secrets,
/// <c>none</c> outside Development, impossible limits. Runs at start (ValidateOnStart) and on every reload.
/// </summary>
public sealed class WebhooksOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<WebhooksOptions>
{
    private static readonly HashSet<string> Handshakes = new(StringComparer.OrdinalIgnoreCase) { "event-grid", "cloudevents", "slack", "graph" };

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var failures = new List<string>();
        var isDevelopment = environment?.IsDevelopment() ?? false;
        foreach (var (sourceName, source) in options.Sources)
        {
            var at = $"Webhooks:Sources:{sourceName}";
            if (!IsRouteSafe(sourceName))
            {
                failures.Add($"{at}: source names may use only letters, digits, '-' and '_'.");
            }

            failures.AddRange(VerifierRegistry.Validate(sourceName, source, isDevelopment));

            if (!SourceStates.All.Contains(source.State))
            {
                failures.Add($"{at}:State '{source.State}' is unknown; use one of {string.Join(", ", SourceStates.All)}.");
            }

            if (source.MaxBodyBytes is <= 0)
            {
                failures.Add($"{at}:MaxBodyBytes must be positive.");
            }

            if (source.RateLimit is { } limit && (limit.PermitsPerSecond <= 0 || limit.Burst is <= 0))
            {
                failures.Add($"{at}:RateLimit needs PermitsPerSecond > 0 and, if set, Burst > 0.");
            }

            foreach (var (field, type) in source.Validation.RequiredFields)
            {
                if (!JsonBodyValidator.TypeNames.Contains(type))
                {
                    failures.Add($"{at}:Validation:RequiredFields:{field} has unknown type '{type}'.");
                }
            }

            foreach (var handshake in source.Handshakes.Where(h => !Handshakes.Contains(h)))
            {
                failures.Add($"{at}:Handshakes '{handshake}' is unknown; use any of {string.Join(", ", Handshakes)}.");
            }

            if (source.PartitionKey is { Length: > 0 } partitionKey && partitionKey.Split('.').Any(segment => segment.Length == 0))
            {
                failures.Add($"{at}:PartitionKey must be a dotted JSON path such as data.customer.");
            }

            if (source.Target.Url is { } url
                && (!Uri.TryCreate(url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"{at}:Target:Url must be an absolute http or https URL.");
            }

            failures.AddRange(ValidateDestinations(at, source, options.Delivery));
        }

        failures.AddRange(ValidateStorage(options));

        var delivery = options.Delivery;
        if (delivery.BatchSize is < 1 or > 32)
        {
            failures.Add("Webhooks:Delivery:BatchSize must be between 1 and 32.");
        }

        if (delivery.MaxAttempts < 1 || delivery.MaxConcurrency < 1 || delivery.BackoffFactor < 1)
        {
            failures.Add("Webhooks:Delivery: MaxAttempts and MaxConcurrency must be at least 1 and BackoffFactor at least 1.");
        }

        if (delivery.MaxDelay > TimeSpan.FromDays(7) || delivery.BaseDelay <= TimeSpan.Zero || delivery.BaseDelay > delivery.MaxDelay)
        {
            failures.Add("Webhooks:Delivery: need 0 < BaseDelay <= MaxDelay <= 7 days (a queue message can be hidden for at most 7 days).");
        }

        if (delivery.Jitter?.ToLowerInvariant() is not ("full" or "decorrelated" or "none"))
        {
            failures.Add($"Webhooks:Delivery:Jitter '{delivery.Jitter}' is unknown; use full, decorrelated or none.");
        }

        if (delivery.ShutdownGracePeriod < TimeSpan.Zero || delivery.Timeout <= TimeSpan.Zero || delivery.MaxAge <= TimeSpan.Zero)
        {
            failures.Add("Webhooks:Delivery: Timeout and MaxAge must be positive and ShutdownGracePeriod not negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ValidateStorage(WebhooksOptions options)
    {
        var queues = options.Queues;
        if (queues.Count is < 1 or > QueueNamesOptions.MaxCount)
        {
            yield return $"Webhooks:Queues:Count must be between 1 and {QueueNamesOptions.MaxCount}.";
        }
        else if (!AzureStorage.StorageNames.IsValidQueueName(queues.DeliveryQueueName(queues.Count - 1) + AzureStorage.StorageNames.PoisonSuffix))
        {
            yield return "Webhooks:Queues:Deliveries is too long for its numbered and -poison queues (63 characters at most).";
        }

        if (!AzureStorage.StorageNames.IsValidContainerName(queues.Payloads))
        {
            yield return "Webhooks:Queues:Payloads must be a valid blob container name (3-63 lowercase letters, digits and single hyphens).";
        }

        if (!AzureStorage.StorageNames.IsValidTableName(queues.Pauses))
        {
            yield return "Webhooks:Queues:Pauses must be a valid table name (3-63 letters and digits, starting with a letter).";
        }

        var intake = options.Intake;
        if (intake.DefaultMaxBodyBytes <= 0)
        {
            yield return "Webhooks:Intake:DefaultMaxBodyBytes must be positive.";
        }

        if (intake.DedupWindow < TimeSpan.Zero || intake.DedupPendingTimeout <= TimeSpan.Zero)
        {
            yield return "Webhooks:Intake: DedupWindow must not be negative (zero turns duplicate detection off) and DedupPendingTimeout must be positive.";
        }

        if (intake.MaxConcurrentLargeBodies is < 1 or > 1024)
        {
            yield return "Webhooks:Intake:MaxConcurrentLargeBodies must be between 1 and 1024.";
        }

        if (intake.LargeBodyMinBytesPerSecond < 0 || intake.LargeBodyGracePeriod < TimeSpan.Zero)
        {
            yield return "Webhooks:Intake:LargeBodyMinBytesPerSecond and LargeBodyGracePeriod must not be negative.";
        }

        if (intake.PayloadBlockBytes is < 64 * 1024 or > AzureStorage.StorageNames.MaxBlockBytes)
        {
            yield return $"Webhooks:Intake:PayloadBlockBytes must be between 65536 and {AzureStorage.StorageNames.MaxBlockBytes}.";
        }
    }

    private static IEnumerable<string> ValidateDestinations(string at, SourceOptions source, DeliveryOptions delivery)
    {
        if (source.Destinations.Count > 0 && !string.IsNullOrEmpty(source.Target.Url))
        {
            yield return $"{at}:Target:Url and {at}:Destinations are both set; give each destination its own Url (Target then only supplies defaults).";
        }

        foreach (var (name, destination) in source.Destinations)
        {
            var here = $"{at}:Destinations:{name}";
            if (!DestinationNames.IsValid(name))
            {
                yield return $"{here}: destination names may use only letters, digits, '-' and '_' (1-{DestinationNames.MaxLength} characters).";
            }

            if (destination is null)
            {
                continue;
            }

            if (!IsHttpUrl(destination.Url))
            {
                yield return $"{here}:Url must be an absolute http or https URL.";
            }

            foreach (var problem in Delivery.Routing.DestinationFilter.Validate(destination.Filter))
            {
                yield return $"{here}:Filter:{problem}.";
            }

            foreach (var header in destination.Headers.Keys.Where(h => !Delivery.TargetClient.IsSettableHeader(h)))
            {
                yield return $"{here}:Headers:{header} is not a header we may set (a valid name, not one of ours such as Idempotency-Key, Content-Type or Authorization).";
            }

            if (destination.RateLimit is { } rate && !(rate > 0))
            {
                yield return $"{here}:RateLimit must be a positive number of calls per second.";
            }

            if (destination.Retry is { } retry)
            {
                var merged = delivery.WithRetry(retry);
                if (merged.MaxAttempts < 1 || merged.BackoffFactor < 1 || merged.MaxAge <= TimeSpan.Zero
                    || merged.BaseDelay <= TimeSpan.Zero || merged.BaseDelay > merged.MaxDelay || merged.MaxDelay > TimeSpan.FromDays(7))
                {
                    yield return $"{here}:Retry: need MaxAttempts >= 1, BackoffFactor >= 1, MaxAge > 0 and 0 < BaseDelay <= MaxDelay <= 7 days (with Webhooks:Delivery's for the unset ones).";
                }
            }
        }
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsRouteSafe(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
