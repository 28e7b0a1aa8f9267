using Webhooks.Harness.Hosts;

namespace Webhooks.Harness.Fuzzing;

/// <summary>The sources the fuzz host is configured with: one per answer worth reaching (states, limits, keys).</summary>
public static class FuzzSources
{
    /// <summary>Standard Webhooks, 64 KiB body limit, two required fields, partition key, CloudEvents, Slack and Event Grid handshakes.</summary>
    public const string Main = "fuzz";

    /// <summary>State <c>locked</c> (423).</summary>
    public const string Locked = "fuzz-locked";

    /// <summary>State <c>suspended</c> (451).</summary>
    public const string Suspended = "fuzz-suspended";

    /// <summary>State <c>payment-required</c> (402).</summary>
    public const string Unpaid = "fuzz-unpaid";

    /// <summary>Rate limited to 2 per second (429).</summary>
    public const string Limited = "fuzz-limited";

    /// <summary><c>api-key</c> with <see cref="KeyA"/>.</summary>
    public const string KeyedA = "fuzz-key-a";

    /// <summary><c>api-key</c> with <see cref="KeyB"/> (A's key here is a 403).</summary>
    public const string KeyedB = "fuzz-key-b";

    /// <summary>The body limit of <see cref="Main"/>.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The API key of <see cref="KeyedA"/>.</summary>
    public const string KeyA = "fuzz-key-a-0123456789abcdef";

    /// <summary>The API key of <see cref="KeyedB"/>.</summary>
    public const string KeyB = "fuzz-key-b-0123456789abcdef";

    /// <summary>Every Standard Webhooks source shares the bench secret.</summary>
    public const string Secret = BenchSettings.Secret;

    /// <summary>The host settings: storage, the sources above, delivery off.</summary>
    public static Dictionary<string, string> Settings(string storageConnectionString)
    {
        var settings = BenchSettings.For(storageConnectionString);
        void Signed(string name, string state)
        {
            settings[$"Webhooks:Sources:{name}:Verification"] = "standard-webhooks";
            settings[$"Webhooks:Sources:{name}:Secrets:0"] = Secret;
            settings[$"Webhooks:Sources:{name}:State"] = state;
        }

        Signed(Main, "active");
        settings[$"Webhooks:Sources:{Main}:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[$"Webhooks:Sources:{Main}:Validation:RequiredFields:type"] = "string";
        settings[$"Webhooks:Sources:{Main}:Validation:RequiredFields:data.id"] = "string";
        settings[$"Webhooks:Sources:{Main}:Handshakes:0"] = "cloudevents";
        settings[$"Webhooks:Sources:{Main}:Handshakes:1"] = "slack";
        settings[$"Webhooks:Sources:{Main}:Handshakes:2"] = "event-grid";
        settings[$"Webhooks:Sources:{Main}:PartitionKey"] = "data.key";
        Signed(Locked, "locked");
        Signed(Suspended, "suspended");
        Signed(Unpaid, "payment-required");
        Signed(Limited, "active");
        settings[$"Webhooks:Sources:{Limited}:RateLimit:PermitsPerSecond"] = "2";
        settings[$"Webhooks:Sources:{Limited}:RateLimit:Burst"] = "2";
        settings[$"Webhooks:Sources:{KeyedA}:Verification"] = "api-key";
        settings[$"Webhooks:Sources:{KeyedA}:Secrets:0"] = KeyA;
        settings[$"Webhooks:Sources:{KeyedB}:Verification"] = "api-key";
        settings[$"Webhooks:Sources:{KeyedB}:Secrets:0"] = KeyB;
        return settings;
    }
}
