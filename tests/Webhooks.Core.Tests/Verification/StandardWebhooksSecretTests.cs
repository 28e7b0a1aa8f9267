using System.Text;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Verification;

public class StandardWebhooksSecretTests
{
    [Fact]
    public void Generate_ReturnsWhsecPrefixAnd32RandomBytesInBase64()
    {
        var first = StandardWebhooksSecret.Generate();
        var second = StandardWebhooksSecret.Generate();

        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first["whsec_".Length..]).Length);
        Assert.NotEqual(first, second);
        Assert.True(StandardWebhooksSecret.IsWellFormed(first));
    }

    [Fact]
    public void DecodeKey_WithAndWithoutPrefix_GivesTheSameBase64DecodedKey()
    {
        var expected = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        Assert.Equal(expected, StandardWebhooksSecret.DecodeKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        Assert.Equal(expected, StandardWebhooksSecret.DecodeKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    [Theory]
    [InlineData("plain text key!")]
    [InlineData("whsec_not*base64")]
    public void DecodeKey_TextThatIsNotBase64_IsUsedAsItsUtf8Bytes(string secret)
    {
        Assert.Equal(Encoding.UTF8.GetBytes(secret), StandardWebhooksSecret.DecodeKey(secret));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("any imported key", true)]
    [InlineData("whsec_", false)]
    [InlineData("whsec_%%%", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    public void IsWellFormed_AcceptsPrefixedBase64AndBareKeys(string? secret, bool expected)
    {
        Assert.Equal(expected, StandardWebhooksSecret.IsWellFormed(secret));
    }
}
