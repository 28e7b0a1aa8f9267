using Microsoft.Extensions.Configuration;
using Webhooks.Configuration;

namespace Webhooks.Core.Tests.Configuration;

public class DestinationOptionsTests
{
    [Fact]
    public void SourceWithOnlyATarget_HasTheOneDefaultDestination_MadeOfIt()
    {
        var source = new SourceOptions { Target = { Url = "https://crm.example.com/hooks", Timeout = TimeSpan.FromSeconds(7), RetryableStatuses = [409] } };
        var delivery = new DeliveryOptions { MaxAttempts = 9 };

        var destination = Assert.Single(source.ResolveDestinations(delivery)).Value;

        Assert.Equal(DestinationNames.Default, destination.Name);
        Assert.True(destination.IsDefault);
        Assert.Equal("https://crm.example.com/hooks", destination.Url);
        Assert.Equal(TimeSpan.FromSeconds(7), destination.Timeout);
        Assert.Equal([409], destination.RetryableStatuses);
        Assert.Same(source.Target.Auth, destination.Auth);
        Assert.Same(delivery, destination.Delivery);
        Assert.True(destination.Filter.MatchesEverything);
        Assert.Equal("evt_1", destination.IdempotencyKey("evt_1"));
        Assert.Equal("stripe", destination.PauseKey("stripe"));
    }

    [Fact]
    public void NamedDestination_DefaultsToTheTargetsSettings_ThenTheGlobalOnes()
    {
        var source = new SourceOptions
        {
            Target = { Timeout = TimeSpan.FromSeconds(5), RetryableStatuses = [423], Auth = { Type = "header", Header = "x-api-key", Value = "k" } },
            Destinations =
            {
                ["billing"] = new DestinationOptions { Url = "https://billing.example.com/hooks" },
                ["crm"] = new DestinationOptions
                {
                    Url = "https://crm.example.com/hooks",
                    Timeout = TimeSpan.FromSeconds(2),
                    RetryableStatuses = [409],
                    Auth = new TargetAuthOptions { Type = "none" },
                    Retry = new DestinationRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1) },
                    RateLimit = 5,
                    Filter = { ["type"] = "customer.*" },
                },
            },
        };
        var delivery = new DeliveryOptions { MaxAttempts = 30, BaseDelay = TimeSpan.FromSeconds(10), MaxAge = TimeSpan.FromHours(2) };

        var destinations = source.ResolveDestinations(delivery);

        var billing = destinations["BILLING"]; // names are case-insensitive
        Assert.Equal((TimeSpan.FromSeconds(5), 423, "header"), (billing.Timeout, Assert.Single(billing.RetryableStatuses), billing.Auth.Type));
        Assert.Same(delivery, billing.Delivery);
        Assert.Null(billing.RateLimit);
        var crm = destinations["crm"];
        Assert.Equal((TimeSpan.FromSeconds(2), 409, "none", 5.0), (crm.Timeout, Assert.Single(crm.RetryableStatuses), crm.Auth.Type, crm.RateLimit));
        Assert.Equal((3, TimeSpan.FromSeconds(1), TimeSpan.FromHours(2)), (crm.Delivery.MaxAttempts, crm.Delivery.BaseDelay, crm.Delivery.MaxAge));
        Assert.Equal(30, delivery.MaxAttempts); // the global settings are not changed by an override
        Assert.False(crm.Filter.MatchesEverything);
        Assert.Equal("evt_1:crm", crm.IdempotencyKey("evt_1"));
        Assert.Equal("stripe:crm", crm.PauseKey("stripe"));
    }

    [Fact]
    public void Binding_ReadsDestinations_AndHeaderFilterKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:Sources:github:Verification"] = "github",
            ["Webhooks:Sources:github:Secrets:0"] = "github-secret",
            ["Webhooks:Sources:github:Destinations:ci:Url"] = "https://ci.example.com/hooks",
            ["Webhooks:Sources:github:Destinations:ci:Filter:header:X-GitHub-Event"] = "push,pull_request",
            ["Webhooks:Sources:github:Destinations:ci:Filter:repository.full_name"] = "acme/*",
            ["Webhooks:Sources:github:Destinations:ci:Headers:X-Tenant"] = "acme",
            ["Webhooks:Sources:github:Destinations:ci:RateLimit"] = "2.5",
            ["Webhooks:Sources:github:Destinations:ci:Retry:MaxAttempts"] = "4",
        }).Build();
        var section = configuration.GetSection(WebhooksOptions.SectionName);
        var options = section.Get<WebhooksOptions>()!;

        HeaderFilterBinding.Bind(section, options);

        var ci = options.Sources["github"].Destinations["ci"];
        Assert.Equal("https://ci.example.com/hooks", ci.Url);
        Assert.Equal(
            new Dictionary<string, string> { ["header:X-GitHub-Event"] = "push,pull_request", ["repository.full_name"] = "acme/*" },
            ci.Filter);
        Assert.Equal("acme", ci.Headers["x-tenant"]);
        Assert.Equal((2.5, 4), (ci.RateLimit, ci.Retry!.MaxAttempts));
        var validation = new WebhooksOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
    }

    [Theory]
    [InlineData("name", "Webhooks:Sources:shop:Destinations:bad name: destination names may use only letters")]
    [InlineData("url", "Webhooks:Sources:shop:Destinations:crm:Url must be an absolute http or https URL.")]
    [InlineData("missing-url", "Webhooks:Sources:shop:Destinations:crm:Url must be an absolute http or https URL.")]
    [InlineData("both", "Webhooks:Sources:shop:Target:Url and Webhooks:Sources:shop:Destinations are both set")]
    [InlineData("empty-segment", "Webhooks:Sources:shop:Destinations:crm:Filter:data..status must be a dotted JSON path")]
    [InlineData("star", "Webhooks:Sources:shop:Destinations:crm:Filter:type '*.paid' may use * only at the end")]
    [InlineData("empty-value", "Webhooks:Sources:shop:Destinations:crm:Filter:type needs a value")]
    [InlineData("header-no-name", "Webhooks:Sources:shop:Destinations:crm:Filter:header: needs a header name")]
    [InlineData("reserved-header", "Webhooks:Sources:shop:Destinations:crm:Headers:Idempotency-Key is not a header we may set")]
    [InlineData("rate", "Webhooks:Sources:shop:Destinations:crm:RateLimit must be a positive number")]
    [InlineData("retry", "Webhooks:Sources:shop:Destinations:crm:Retry: need MaxAttempts >= 1")]
    public void BadDestinationSetting_IsRefusedAtStart_InOneLineNamingIt(string what, string expected)
    {
        var crm = new DestinationOptions { Url = "https://crm.example.com/hooks" };
        var source = new SourceOptions { Secrets = ["whsec_dGVzdA=="], Destinations = { ["crm"] = crm } };
        switch (what)
        {
            case "name": source.Destinations["bad name"] = new DestinationOptions { Url = "https://x.example.com/" }; break;
            case "url": crm.Url = "ftp://crm.example.com/hooks"; break;
            case "missing-url": crm.Url = null; break;
            case "both": source.Target.Url = "https://legacy.example.com/hooks"; break;
            case "empty-segment": crm.Filter["data..status"] = "paid"; break;
            case "star": crm.Filter["type"] = "*.paid"; break;
            case "empty-value": crm.Filter["type"] = ""; break;
            case "header-no-name": crm.Filter["header:"] = "push"; break;
            case "reserved-header": crm.Headers["Idempotency-Key"] = "fixed"; break;
            case "rate": crm.RateLimit = 0; break;
            case "retry": crm.Retry = new DestinationRetryOptions { MaxAttempts = 0 }; break;
        }

        var options = new WebhooksOptions();
        options.Sources["shop"] = source;

        var result = new WebhooksOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var line = Assert.Single(result.Failures!);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void UnresolvedKeyVaultSecret_OfADestination_IsDropped()
    {
        var options = new WebhooksOptions();
        options.Sources["shop"] = new SourceOptions
        {
            Destinations = { ["crm"] = new DestinationOptions { Auth = new TargetAuthOptions { Type = "standard-webhooks", Secret = "@Microsoft.KeyVault(SecretUri=https://kv/secrets/crm/)" } } },
        };

        new UnresolvedSecretFilter().PostConfigure(null, options);

        Assert.Null(options.Sources["shop"].Destinations["crm"].Auth!.Secret);
    }

    [Theory]
    [InlineData("stripe", "stripe", "default")]
    [InlineData("stripe:crm", "stripe", "crm")]
    public void PauseKey_RoundTrips(string key, string source, string destination)
    {
        Assert.Equal((source, destination), DestinationNames.ParsePauseKey(key));
        Assert.Equal(key, DestinationNames.PauseKey(source, destination));
    }
}
