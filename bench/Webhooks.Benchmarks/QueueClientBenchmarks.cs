using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;

namespace Webhooks.Benchmarks;

/// <summary>
/// The Azure SDK queue client's own cost per message as the app configures it (shared-key signing, base64, XML,
/// the pipeline's policies, response parsing), against a stub HTTP handler that answers like the Queue service, so
/// no network or Azurite time is included.
/// </summary>
public class QueueClientBenchmarks
{
    private QueueClient _queue = null!;
    private byte[] _message = [];

    /// <summary>The message size in bytes (a serialized envelope is about 4/3 of its body plus ~300 bytes).</summary>
    [Params(1024, 16 * 1024)]
    public int MessageBytes { get; set; } = 1024;

    /// <summary>A client for <c>devstoreaccount1/bench</c> over the stub.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _message = SamplePayloads.Json(MessageBytes);
        var options = WebhookStorage.QueueOptions(TimeSpan.FromSeconds(5));
        options.Transport = new HttpClientTransport(new HttpClient(new QueueServiceStub()));
        var service = new QueueServiceClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;",
            options);
        _queue = service.GetQueueClient("bench");
    }

    /// <summary>Put Message, as intake does for every delivery.</summary>
    [Benchmark]
    public async Task<string> Send() => (await _queue.SendMessageAsync(new BinaryData(_message), timeToLive: StorageNames.NeverExpires)).Value.MessageId;

    private sealed class QueueServiceStub : HttpMessageHandler
    {
        private static readonly byte[] PutAnswer = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>5974b586-0df3-4e2d-ad0c-18e3892bfca2</MessageId>" +
            "<InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>" +
            "<PopReceipt>YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw</PopReceipt><TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>" +
            "</QueueMessage></QueueMessagesList>");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read the body as the network stack would.
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(PutAnswer) };
        }
    }
}
