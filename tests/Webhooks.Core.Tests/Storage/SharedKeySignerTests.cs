using System.Net.Http.Headers;
using System.Text;
using Webhooks.Storage;

namespace Webhooks.Core.Tests.Storage;

/// <summary>
/// Shared Key against vectors derived by hand from "Authorize with Shared Key" (Blob and Queue services,
/// 2009-09-19+): the canonical strings below were written from the documented layout, and the signatures
/// computed independently with <c>openssl dgst -sha256 -mac HMAC</c> over those exact strings.
/// </summary>
public sealed class SharedKeySignerTests
{
    private static readonly byte[] Key = Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey);

    [Fact]
    public void StringToSign_PutMessageOnPathStyleUri_FollowsTheDocumentedLayout()
    {
        using var request = PutMessageRequest();

        var stringToSign = SharedKeySigner.BuildStringToSign(request, "devstoreaccount1");

        const string Expected =
            "POST\n" +
            "\n" + // Content-Encoding
            "\n" + // Content-Language
            "64\n" + // Content-Length
            "\n" + // Content-MD5
            "application/xml\n" +
            "\n" + // Date (x-ms-date is used instead)
            "\n\n\n\n\n" + // If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range
            "x-ms-client-request-id:7d2c3c1e-0000-4000-8000-000000000001\n" +
            "x-ms-date:Thu, 01 Jan 2026 00:00:00 GMT\n" +
            "x-ms-version:2025-01-05\n" +
            "/devstoreaccount1/devstoreaccount1/orders/messages\n" + // path-style: the account appears twice
            "messagettl:-1\n" +
            "visibilitytimeout:30";
        Assert.Equal(Expected, stringToSign);
    }

    [Fact]
    public void Sign_PutMessage_SetsSharedKeyAuthorizationWithTheExpectedSignature()
    {
        using var request = PutMessageRequest();

        SharedKeySigner.Sign(request, "devstoreaccount1", Key);

        Assert.Equal("SharedKey", request.Headers.Authorization?.Scheme);
        Assert.Equal("devstoreaccount1:UNtE1lNtWNC5gkUH71dx2OG9UtscOcFEBUSezp02STM=", request.Headers.Authorization?.Parameter);
    }

    [Fact]
    public void StringToSign_ListQueues_SortsQueryNamesAndDecodesValuesAndSignsEmptyLength()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://myaccount.queue.core.windows.net/?comp=list&prefix=a%20b&Include=metadata");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2025-01-05");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Thu, 01 Jan 2026 00:00:00 GMT");

        var stringToSign = SharedKeySigner.BuildStringToSign(request, "myaccount");
        var signature = SharedKeySigner.ComputeSignature(Key, stringToSign);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-date:Thu, 01 Jan 2026 00:00:00 GMT\nx-ms-version:2025-01-05\n" +
            "/myaccount/\ncomp:list\ninclude:metadata\nprefix:a b",
            stringToSign);
        Assert.Equal("1G/eXgkZtBr1W1szn3mtPcJjjxyu+7Ilag7oCLf/BKU=", signature);
    }

    [Fact]
    public void ComputeSignature_DifferentKey_GivesADifferentSignature()
    {
        using var request = PutMessageRequest();
        var stringToSign = SharedKeySigner.BuildStringToSign(request, "devstoreaccount1");

        var other = SharedKeySigner.ComputeSignature(new byte[64], stringToSign);

        Assert.NotEqual("UNtE1lNtWNC5gkUH71dx2OG9UtscOcFEBUSezp02STM=", other);
    }

    private static HttpRequestMessage PutMessageRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:10001/devstoreaccount1/orders/messages?visibilitytimeout=30&messagettl=-1")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("<QueueMessage><MessageText>aGVsbG8=</MessageText></QueueMessage>")),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2025-01-05");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Thu, 01 Jan 2026 00:00:00 GMT");
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", "7d2c3c1e-0000-4000-8000-000000000001");
        return request;
    }
}
