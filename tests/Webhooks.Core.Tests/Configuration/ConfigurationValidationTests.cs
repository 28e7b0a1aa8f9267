using Webhooks.Configuration;

namespace Webhooks.Core.Tests.Configuration;

public class ConfigurationValidationTests
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/shop/)";

    [Fact]
    public void UnresolvedKeyVaultReferences_AreDropped_SoTheyCanNeverMatch()
    {
        var options = new WebhooksOptions { Admin = { ApiKeys = [KeyVaultReference, "real-admin-key"] } };
        options.Sources["shop"] = new SourceOptions { Secrets = [KeyVaultReference, "whsec_dGVzdA=="] };

        new UnresolvedSecretFilter().PostConfigure(null, options);

        Assert.Equal(["real-admin-key"], options.Admin.ApiKeys);
        Assert.Equal(["whsec_dGVzdA=="], options.Sources["shop"].Secrets);
    }

    [Fact]
    public void SourceWhoseOnlySecretIsUnresolved_FailsValidation()
    {
        var options = new WebhooksOptions();
        options.Sources["shop"] = new SourceOptions { Secrets = [KeyVaultReference] };

        new UnresolvedSecretFilter().PostConfigure(null, options);
        var result = new WebhooksOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Webhooks:Sources:shop", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Verification", "rot13")]
    [InlineData("Verification", "none")]
    [InlineData("State", "frozen")]
    [InlineData("Handshake", "carrier-pigeon")]
    [InlineData("Name", "has space")]
    [InlineData("Target", "ftp://example.com/hook")]
    [InlineData("Validation", "uuid")]
    public void InvalidSource_IsRefusedAtStart_NamingTheSetting(string what, string value)
    {
        var source = new SourceOptions { Secrets = ["whsec_dGVzdA=="] };
        var name = "shop";
        switch (what)
        {
            case "Verification": source.Verification = value; break;
            case "State": source.State = value; break;
            case "Handshake": source.Handshakes = [value]; break;
            case "Name": name = value; break;
            case "Target": source.Target.Url = value; break;
            case "Validation": source.Validation.RequiredFields["id"] = value; break;
        }

        var options = new WebhooksOptions();
        options.Sources[name] = source;

        var result = new WebhooksOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains($"Webhooks:Sources:{name}", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidSource_Passes()
    {
        var options = new WebhooksOptions();
        options.Sources["shop"] = new SourceOptions
        {
            Secrets = ["whsec_dGVzdA=="],
            Handshakes = ["event-grid", "cloudevents"],
            Target = { Url = "https://example.com/hook" },
            Validation = { RequiredFields = { ["data.id"] = "integer" } },
        };

        Assert.True(new WebhooksOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0, "00:00:10", "01:00:00")]
    [InlineData(33, "00:00:10", "01:00:00")]
    [InlineData(16, "00:00:00", "01:00:00")]
    [InlineData(16, "00:00:10", "8.00:00:00")]
    public void ImpossibleDeliverySettings_AreRefused(int batchSize, string baseDelay, string maxDelay)
    {
        var options = new WebhooksOptions
        {
            Delivery = { BatchSize = batchSize, BaseDelay = TimeSpan.Parse(baseDelay), MaxDelay = TimeSpan.Parse(maxDelay) },
        };

        Assert.True(new WebhooksOptionsValidator().Validate(null, options).Failed);
    }

    [Theory]
    [InlineData("Count", "0", "Webhooks:Queues:Count")]
    [InlineData("Count", "65", "Webhooks:Queues:Count")]
    [InlineData("Deliveries", "a-queue-name-that-is-long-enough-to-break-with-index-and-poison-x", "Webhooks:Queues:Deliveries")]
    [InlineData("Payloads", "Payloads_Container", "Webhooks:Queues:Payloads")]
    [InlineData("DedupWindow", "-00:00:01", "DedupWindow")]
    [InlineData("MaxBody", "0", "DefaultMaxBodyBytes")]
    [InlineData("Block", "1024", "PayloadBlockBytes")]
    [InlineData("LargeBodies", "0", "MaxConcurrentLargeBodies")]
    [InlineData("PartitionKey", "data..customer", "PartitionKey")]
    public void ImpossibleScaleSettings_AreRefused_NamingTheSetting(string what, string value, string named)
    {
        var options = new WebhooksOptions();
        options.Sources["shop"] = new SourceOptions { Secrets = ["whsec_dGVzdA=="] };
        switch (what)
        {
            case "Count": options.Queues.Count = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Deliveries": options.Queues.Deliveries = value; options.Queues.Count = 10; break;
            case "Payloads": options.Queues.Payloads = value; break;
            case "DedupWindow": options.Intake.DedupWindow = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "MaxBody": options.Intake.DefaultMaxBodyBytes = 0; break;
            case "Block": options.Intake.PayloadBlockBytes = 1024; break;
            case "LargeBodies": options.Intake.MaxConcurrentLargeBodies = 0; break;
            case "PartitionKey": options.Sources["shop"].PartitionKey = value; break;
        }

        var result = new WebhooksOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void ScaleDefaults_Are25MiB_72Hours_OneQueue_AndPass()
    {
        var options = new WebhooksOptions();

        Assert.Equal(26_214_400, options.Intake.DefaultMaxBodyBytes);
        Assert.Equal(TimeSpan.FromHours(72), options.Intake.DedupWindow);
        Assert.Equal(1, options.Queues.Count);
        Assert.Equal("webhooks-payloads", options.Queues.Payloads);
        Assert.True(new WebhooksOptionsValidator().Validate(null, options).Succeeded);
    }
}
