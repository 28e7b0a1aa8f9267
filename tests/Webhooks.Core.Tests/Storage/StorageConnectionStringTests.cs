using Webhooks.Storage;

namespace Webhooks.Core.Tests.Storage;

public sealed class StorageConnectionStringTests
{
    private const string Key = "a2V5a2V5a2V5a2V5"; // base64 of "keykeykeykey"

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "devstoreaccount1", "http://127.0.0.1:10001/devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://ipv4.fiddler", "devstoreaccount1", "http://ipv4.fiddler:10001/devstoreaccount1", "http://ipv4.fiddler:10000/devstoreaccount1")]
    [InlineData("AccountName=acct;AccountKey=" + Key, "acct", "https://acct.queue.core.windows.net/", "https://acct.blob.core.windows.net/")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.chinacloudapi.cn", "acct", "http://acct.queue.core.chinacloudapi.cn/", "http://acct.blob.core.chinacloudapi.cn/")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";QueueEndpoint=http://127.0.0.1:5555/acct", "acct", "http://127.0.0.1:5555/acct", "https://acct.blob.core.windows.net/")]
    [InlineData(" accountname = acct ; ACCOUNTKEY=" + Key + " ; ", "acct", "https://acct.queue.core.windows.net/", "https://acct.blob.core.windows.net/")]
    public void Parse_AccountKeyForms_GivesAccountKeyAndEndpoints(string connectionString, string account, string queue, string blob)
    {
        var parsed = StorageConnectionString.Parse(connectionString);

        Assert.Equal(account, parsed.AccountName);
        Assert.NotNull(parsed.AccountKey);
        Assert.Null(parsed.SharedAccessSignature);
        Assert.Equal(new Uri(queue), parsed.QueueEndpoint);
        Assert.Equal(new Uri(blob), parsed.BlobEndpoint);
    }

    [Fact]
    public void Parse_DevelopmentStorage_UsesTheWellKnownKeyAndFlagsIt()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.True(parsed.IsDevelopmentStorage);
        Assert.Equal(StorageConnectionString.DevelopmentAccountKey, parsed.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Theory]
    [InlineData("QueueEndpoint=https://acct.queue.core.windows.net;SharedAccessSignature=sv=2024-11-04&ss=q&sig=abc%3D", null)]
    [InlineData("QueueEndpoint=https://acct.queue.core.windows.net;SharedAccessSignature=?sv=2024-11-04&ss=q&sig=abc%3D", null)]
    [InlineData("AccountName=acct;SharedAccessSignature=sv=2024-11-04&ss=q&sig=abc%3D", "acct")]
    public void Parse_SharedAccessSignature_KeepsTokenWithoutQuestionMark(string connectionString, string? account)
    {
        var parsed = StorageConnectionString.Parse(connectionString);

        Assert.Equal("sv=2024-11-04&ss=q&sig=abc%3D", parsed.SharedAccessSignature);
        Assert.Null(parsed.AccountKey);
        Assert.Equal(account, parsed.AccountName);
        Assert.Equal("acct.queue.core.windows.net", parsed.QueueEndpoint?.Host);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("AccountName=acct", "neither an AccountKey nor a SharedAccessSignature")]
    [InlineData("AccountKey=" + Key, "no AccountName")]
    [InlineData("AccountName=acct;AccountKey=not*base64!", "not valid base64")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";AccountName=other", "more than once")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "http' or 'https")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";QueueEndpoint=not a uri", "QueueEndpoint")]
    [InlineData("SharedAccessSignature=sv=1&sig=x", "no AccountName and no service endpoint")]
    [InlineData("UseDevelopmentStorage=false", "must be 'true'")]
    [InlineData("just some text", "Name=Value")]
    public void Parse_Invalid_ThrowsFormatExceptionSayingWhy(string connectionString, string reason)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(StorageConnectionString.TryParse(connectionString, out _));
    }

    [Fact]
    public void Parse_InvalidWithSecret_NeverEchoesTheSecret()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse("AccountKey=" + Key));

        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateCredential_PicksSharedKeyOrSasFromTheConnectionString()
    {
        var sharedKey = StorageConnectionString.Parse("AccountName=acct;AccountKey=" + Key).CreateCredential();
        var sas = StorageConnectionString.Parse("QueueEndpoint=https://acct.queue.core.windows.net;SharedAccessSignature=sv=1&sig=x").CreateCredential();

        Assert.Equal("acct", Assert.IsType<SharedKeyStorageCredential>(sharedKey).AccountName);
        Assert.Equal("sv=1&sig=x", Assert.IsType<SasStorageCredential>(sas).SasToken);
    }

    [Fact]
    public void FromConnectionString_WithoutQueueEndpoint_Throws()
    {
        var error = Assert.Throws<FormatException>(() => QueueServiceClient.FromConnectionString("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=1&sig=x"));

        Assert.Contains("no queue endpoint", error.Message, StringComparison.Ordinal);
    }
}
