using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.StandardWebhooksVerifierTests;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class GitHubVerifierTests
{
    // GitHub's documented example (docs.github.com, "Validating webhook deliveries"), re-derived with:
    //   printf '%s' 'Hello, World!' | openssl dgst -sha256 -hmac "It's a Secret to Everybody"
    private const string DocsSecret = "It's a Secret to Everybody";
    private const string DocsBody = "Hello, World!";
    private const string DocsSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private const string Scheme = VerificationSchemes.GitHub;
    private const string BodyText = "{\"action\":\"opened\",\"number\":7}";
    private static readonly byte[] Body = Utf8(BodyText);

    [Fact]
    public void Verify_DocumentedVector_Succeeds()
    {
        var result = Verify(Scheme, Source(Scheme, DocsSecret), [Header("X-Hub-Signature-256", DocsSignature)], Utf8(DocsBody));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_UpperCaseHexAndLowerCaseHeaderName_Succeeds()
    {
        var result = Verify(
            Scheme, Source(Scheme, DocsSecret), [Header("x-hub-signature-256", "sha256=" + DocsSignature[7..].ToUpperInvariant())], Utf8(DocsBody));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_SignatureBySecondOfTwoSecrets_Succeeds()
    {
        var signature = "sha256=" + HmacHex("new-secret", BodyText);

        var result = Verify(Scheme, Source(Scheme, "old-secret", "new-secret"), [Header("X-Hub-Signature-256", signature)], Body);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Verify_OnlyLegacySha1Header_Returns401MissingSignature()
    {
        var result = Verify(Scheme, Source(Scheme, DocsSecret), [Header("X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567")], Utf8(DocsBody));

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }

    [Fact]
    public void Verify_TamperedBody_Returns401InvalidSignature()
    {
        var result = Verify(Scheme, Source(Scheme, DocsSecret), [Header("X-Hub-Signature-256", DocsSignature)], Utf8("Hello, World?"));

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Fact]
    public void Verify_WrongSecret_Returns401InvalidSignature()
    {
        var result = Verify(Scheme, Source(Scheme, "not the secret"), [Header("X-Hub-Signature-256", DocsSignature)], Utf8(DocsBody));

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sha256=")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17ff")]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=dXNlIGhleCBwbGVhc2UgdXNlIGhleCBwbGVhc2UgdXNlIGhleA==")]
    public void Verify_MalformedSignature_Returns401InvalidSignature(string signature)
    {
        var result = Verify(Scheme, Source(Scheme, DocsSecret), [Header("X-Hub-Signature-256", signature)], Utf8(DocsBody));

        AssertUnauthorized(result, ErrorCodes.InvalidSignature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_MissingOrEmptyHeader_Returns401MissingSignature(string? value)
    {
        KeyValuePair<string, string>[] headers = value is null ? [] : [Header("X-Hub-Signature-256", value)];

        var result = Verify(Scheme, Source(Scheme, DocsSecret), headers, Utf8(DocsBody));

        AssertUnauthorized(result, ErrorCodes.MissingSignature);
    }
}
