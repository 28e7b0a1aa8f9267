using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Webhooks.AzureStorage;

namespace Webhooks.Benchmarks;

/// <summary>
/// The Azure SDK queue client's own cost per call as the app configures it (shared-key signing, base64, XML,
/// the pipeline's policies, response parsing), against a stub HTTP handler that answers like the Queue service, so
/// no network or Azurite time is included: Put Message as intake calls it, and Get Messages + Delete Message as each
/// worker calls them per delivery.
/// </summary>
public class QueueClientBenchmarks
{
    private const string PopReceipt = "YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw";
    private const string MessageId = "5974b586-0df3-4e2d-ad0c-18e3892bfca2";
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(5);

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
        options.Transport = new HttpClientTransport(new HttpClient(new QueueServiceStub(_message)));
        var service = new QueueServiceClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;",
            options);
        _queue = service.GetQueueClient("bench");

        var received = Receive32().GetAwaiter().GetResult();
        if (received != 32 * MessageBytes || Receive().GetAwaiter().GetResult() != MessageBytes)
        {
            throw new InvalidOperationException("The stub's messages do not decode to the benchmark's message; the benchmark would not measure a receive.");
        }
    }

    /// <summary>Put Message, as intake does for every delivery.</summary>
    [Benchmark]
    public async Task<string> Send() => (await _queue.SendMessageAsync(new BinaryData(_message), timeToLive: StorageNames.NeverExpires)).Value.MessageId;

    /// <summary>Get Messages answering one message: a worker's receive when the queue is nearly empty.</summary>
    [Benchmark]
    public async Task<int> Receive() => (await _queue.ReceiveMessagesAsync(1, Visibility)).Value[0].Body.ToMemory().Length;

    /// <summary>Get Messages answering a full batch of 32 (divide by 32 for one delivery's share): a worker draining a backlog.</summary>
    [Benchmark]
    public async Task<int> Receive32()
    {
        var total = 0;
        foreach (var message in (await _queue.ReceiveMessagesAsync(32, Visibility)).Value)
        {
            total += message.Body.ToMemory().Length;
        }

        return total;
    }

    /// <summary>Delete Message, as a worker does after every delivery that is done.</summary>
    [Benchmark]
    public async Task<int> Delete() => (await _queue.DeleteMessageAsync(MessageId, PopReceipt)).Status;

    private sealed class QueueServiceStub(byte[] message) : HttpMessageHandler
    {
        private static readonly byte[] PutAnswer = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>" + MessageId + "</MessageId>" +
            "<InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>" +
            "<PopReceipt>" + PopReceipt + "</PopReceipt><TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>" +
            "</QueueMessage></QueueMessagesList>");

        private readonly byte[] _receiveOne = ReceiveAnswer(message, 1);
        private readonly byte[] _receive32 = ReceiveAnswer(message, 32);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Delete)
            {
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }

            if (request.Method == HttpMethod.Get)
            {
                var many = request.RequestUri!.Query.Contains("numofmessages=32", StringComparison.Ordinal);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(many ? _receive32 : _receiveOne) };
            }

            // Read the body as the network stack would.
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(PutAnswer) };
        }

        // What Get Messages answers: each message's text is the base64 of its bytes, as the app's clients send it.
        private static byte[] ReceiveAnswer(byte[] message, int count)
        {
            var text = Convert.ToBase64String(message);
            var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList>");
            for (var i = 0; i < count; i++)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<QueueMessage><MessageId>{Guid.NewGuid()}</MessageId>")
                    .Append("<InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>")
                    .Append("<PopReceipt>").Append(PopReceipt).Append("</PopReceipt><TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>")
                    .Append("<DequeueCount>1</DequeueCount><MessageText>").Append(text).Append("</MessageText></QueueMessage>");
            }

            return Encoding.UTF8.GetBytes(xml.Append("</QueueMessagesList>").ToString());
        }
    }
}
