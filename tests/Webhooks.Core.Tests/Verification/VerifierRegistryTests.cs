using Webhooks.Configuration;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class VerifierRegistryTests
{
    [Fact]
    public void Schemes_AreExactlyTheConfigurationSchemeNames()
    {
        Assert.True(VerificationSchemes.All.SetEquals(VerifierRegistry.Schemes));
        Assert.True(VerificationSchemes.All.SetEquals(WebhookSigners.Schemes));
    }

    [Theory]
    [InlineData("standard-webhooks", typeof(StandardWebhooksVerifier))]
    [InlineData("Standard-Webhooks", typeof(StandardWebhooksVerifier))]
    [InlineData("GITHUB", typeof(GitHubVerifier))]
    [InlineData("stripe", typeof(StripeVerifier))]
    [InlineData("Slack", typeof(SlackVerifier))]
    [InlineData("hmac-sha256", typeof(HmacSha256Verifier))]
    [InlineData("API-KEY", typeof(ApiKeyVerifier))]
    [InlineData("none", typeof(NoneVerifier))]
    public void TryGet_KnownSchemeInAnyCase_ResolvesItsVerifier(string scheme, Type expected)
    {
        Assert.True(VerifierRegistry.TryGet(scheme, out var verifier));
        Assert.IsType(expected, verifier);
        Assert.Equal(scheme, verifier.Scheme, ignoreCase: true);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hmac")]
    [InlineData("standard_webhooks")]
    [InlineData(null)]
    public void TryGet_UnknownScheme_ReturnsFalse(string? scheme)
    {
        Assert.False(VerifierRegistry.TryGet(scheme, out var verifier));
        Assert.Null(verifier);
        Assert.False(VerifierRegistry.IsKnown(scheme));
    }

    [Fact]
    public void Get_UnknownScheme_ThrowsNamingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => VerifierRegistry.Get("sha1"));

        Assert.Contains("standard-webhooks", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", true, true)]
    [InlineData("NONE", false, false)]
    [InlineData("none", false, false)]
    [InlineData("github", false, true)]
    [InlineData("api-key", true, true)]
    [InlineData("bogus", true, false)]
    [InlineData(null, true, false)]
    public void IsAllowed_RefusesNoneOutsideDevelopmentAndUnknownSchemes(string? scheme, bool isDevelopment, bool allowed)
    {
        Assert.Equal(allowed, VerifierRegistry.IsAllowed(scheme, isDevelopment));
    }

    [Fact]
    public void NoneVerifier_AcceptsARequestWithoutAnyHeader()
    {
        var result = Verify(VerificationSchemes.None, Source(VerificationSchemes.None), [], Utf8("{}"));

        Assert.True(result.Succeeded);
    }

    public static TheoryData<SourceOptions, bool, string?> ValidationCases => new()
    {
        // source, isDevelopment, expected error fragment (null = valid)
        { Source("standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), false, null },
        { Source("standard-webhooks", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), false, null },
        { Source("standard-webhooks", "whsec_not*base64"), false, ":Secrets:0 starts with 'whsec_'" },
        { Source("standard-webhooks", "whsec_"), false, ":Secrets:0 starts with 'whsec_'" },
        { Source("github"), false, "Secrets must list at least one" },
        { Source("stripe", "", "  "), false, "Secrets must list at least one" },
        { Source("none"), true, null },
        { Source("none"), false, "only allowed in the Development" },
        { Source("sha1", "x"), true, "'sha1' is not one of" },
        { new SourceOptions { Verification = "hmac-sha256", Secrets = ["s"], SignatureEncoding = "base32" }, false, "must be 'hex' or 'base64'" },
        { new SourceOptions { Verification = "hmac-sha256", Secrets = ["s"], SignatureHeader = " " }, false, "SignatureHeader must name" },
        { new SourceOptions { Verification = "api-key", Secrets = ["s"], ApiKeyHeader = "" }, false, "ApiKeyHeader must name" },
        { new SourceOptions { Verification = "slack", Secrets = ["s"], ToleranceSeconds = 0 }, false, "ToleranceSeconds must be positive" },
    };

    [Theory]
    [MemberData(nameof(ValidationCases))]
    public void Validate_ReportsEachMisconfiguration(SourceOptions source, bool isDevelopment, string? expectedError)
    {
        var errors = VerifierRegistry.Validate("shop", source, isDevelopment);

        if (expectedError is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.StartsWith("Webhooks:Sources:shop", error, StringComparison.Ordinal);
            Assert.Contains(expectedError, error, StringComparison.Ordinal);
        }
    }
}
