using Webhooks.Configuration;
using Webhooks.Problems;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

public class ApiKeyVerifierTests
{
    private const string Scheme = VerificationSchemes.ApiKey;
    private static readonly byte[] Body = Utf8("{\"member\":1}");

    private static readonly SourceOptions Shop = Source(Scheme, "shop-key-1", "shop-key-2");
    private static readonly SourceOptions Gym = Source(Scheme, "gym-key");
    private static readonly SourceOptions Hooks = Source(VerificationSchemes.GitHub, "github-signing-secret");

    private static readonly Dictionary<string, SourceOptions> All = new(StringComparer.OrdinalIgnoreCase)
    {
        ["shop"] = Shop,
        ["gym"] = Gym,
        ["hooks"] = Hooks,
    };

    public static TheoryData<string?, bool, int, string?> Cases => new()
    {
        // x-api-key sent, succeeded, status, errorCode
        { "shop-key-1", true, 200, null },
        { "shop-key-2", true, 200, null },
        { "gym-key", false, 403, ErrorCodes.ForbiddenAction },
        { "github-signing-secret", false, 401, ErrorCodes.InvalidApiKey },
        { "unknown-key", false, 401, ErrorCodes.InvalidApiKey },
        { "shop-key-1 ", false, 401, ErrorCodes.InvalidApiKey },
        { "SHOP-KEY-1", false, 401, ErrorCodes.InvalidApiKey },
        { "shop-key", false, 401, ErrorCodes.InvalidApiKey },
        { new string('k', 100_000), false, 401, ErrorCodes.InvalidApiKey },
        { "", false, 401, ErrorCodes.MissingApiKey },
        { null, false, 401, ErrorCodes.MissingApiKey },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_KeyOnShopSource_ReturnsExpectedVerdict(string? key, bool succeeded, int status, string? errorCode)
    {
        KeyValuePair<string, string>[] headers = key is null ? [] : [Header("x-api-key", key)];

        var result = VerifierRegistry.Get(Scheme).Verify(Context(Shop, headers, Body, sourceName: "shop", allSources: All));

        Assert.Equal(succeeded, result.Succeeded);
        Assert.Equal(status, result.Status);
        Assert.Equal(errorCode, result.ErrorCode);
    }

    [Fact]
    public void Verify_OtherSourcesKey_SaysValidButNotForThisSource()
    {
        var result = VerifierRegistry.Get(Scheme).Verify(Context(Shop, [Header("X-API-KEY", "gym-key")], Body, sourceName: "shop", allSources: All));

        Assert.Equal(403, result.Status);
        Assert.Contains("not for this source", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ConfiguredHeaderName_IsTheOneRead()
    {
        var source = Source(Scheme, "k1");
        source.ApiKeyHeader = "Authorization-Key";

        var inConfigured = Verify(Scheme, source, [Header("authorization-key", "k1")], Body);
        var inDefault = Verify(Scheme, source, [Header("x-api-key", "k1")], Body);

        Assert.True(inConfigured.Succeeded);
        Assert.Equal(ErrorCodes.MissingApiKey, inDefault.ErrorCode);
    }

    [Fact]
    public void Verify_BlankConfiguredSecret_NeverMatches()
    {
        var source = Source(Scheme, "", " ");

        var result = Verify(Scheme, source, [Header("x-api-key", " ")], Body);

        Assert.Equal(401, result.Status);
        Assert.Equal(ErrorCodes.InvalidApiKey, result.ErrorCode);
    }
}
