using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;
using Webhooks.Intake;
using Azure.Storage.Blobs;
using Azure.Core.Pipeline;
using Webhooks.AzureStorage;
using Webhooks.Testing;
using Webhooks.Verification;

namespace Webhooks.Benchmarks;

/// <summary>
/// The claim-check path for bodies too large for a queue message, at 1, 10 and 25 MiB: intake streams the body
/// (verify, validate, hash, stage 4 MiB blocks, commit, queue the reference) and the worker streams the blob to the
/// target. Both run through the real <c>AddWebhooks</c> registration and our real storage and target clients; only
/// the network ends are stubs (a blob service that drains what it is sent and serves a generated body, and a target
/// that drains and answers 200). The Allocated column is the claim: it must not grow with the body.
/// </summary>
public class LargeBodyBenchmarks
{
    private const string Fields = "\"type\":\"order.created\"";
    private const string DeliveryId = "msg_large_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    private const string StorageConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 30, TimeSpan.Zero);

    private ServiceProvider _services = null!;
    private WebhookIntake _intake = null!;
    private TargetClient _target = null!;
    private SourceOptions _source = null!;
    private DictionaryRequestHeaders _headers = null!;
    private DeliveryEnvelope _envelope = null!;
    private readonly StubTraffic _traffic = new();

    /// <summary>The body size: 1 MiB, 10 MiB and the default per-source maximum, 25 MiB.</summary>
    [Params(1 << 20, 10 << 20, 25 << 20)]
    public int BodyBytes { get; set; } = 1 << 20;

    /// <summary>The real registration with the two network ends stubbed, a fixed clock, and a signed delivery.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _services = StubbedEngine.Build(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = StorageConnectionString,
                ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
                ["Webhooks:Sources:shop:Secrets:0"] = SamplePayloads.Secret,
                ["Webhooks:Sources:shop:Validation:RequiredFields:type"] = "string",
                ["Webhooks:Sources:shop:Target:Url"] = "https://orders.example.com/hooks",
            },
            Now,
            services =>
            {
                var blobOptions = WebhookStorage.BlobOptions(TimeSpan.FromSeconds(30));
                blobOptions.Transport = new HttpClientTransport(new HttpClient(new BlobServiceStub(BodyBytes, _traffic)));
                services.AddSingleton(new BlobServiceClient(StorageConnectionString, blobOptions));
                services.AddHttpClient(TargetClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new DrainingTarget(_traffic));
            });
        _intake = _services.GetRequiredService<WebhookIntake>();
        _target = _services.GetRequiredService<TargetClient>();
        _source = _services.GetRequiredService<IOptions<WebhooksOptions>>().Value.Sources["shop"];

        // Signing needs the whole body once; setup is not measured.
        var body = GeneratedJsonStream.Materialize(Fields, BodyBytes);
        var signed = StandardWebhooksSigner.CreateHeaders(SamplePayloads.Secret, DeliveryId, Now, body);
        _headers = new DictionaryRequestHeaders([.. signed, new("Content-Type", "application/json")]);
        _envelope = new DeliveryEnvelope
        {
            Id = DeliveryId,
            Source = "shop",
            ReceivedAt = Now,
            ContentType = "application/json",
            BodyRef = new BodyReference("webhooks-payloads", "payloads/shop/0192a1b2c3d4e5f60718293a4b5c6d7e", BodyBytes),
        };

        var accepted = Accept().GetAwaiter().GetResult();
        var delivered = Deliver().GetAwaiter().GetResult();
        if (accepted != 202 || delivered != 200 || _traffic.BlobBytesWritten < BodyBytes || _traffic.LastTargetBodyBytes != BodyBytes)
        {
            throw new InvalidOperationException(
                $"Intake answered {accepted} having staged {_traffic.BlobBytesWritten} bytes; the target call answered {delivered} carrying {_traffic.LastTargetBodyBytes}. The benchmark would not measure the {BodyBytes}-byte path.");
        }
    }

    /// <summary>Disposes the container.</summary>
    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>One large delivery streamed through intake into blocks: answers 202.</summary>
    [Benchmark]
    public async Task<int> Accept()
    {
        using var body = new GeneratedJsonStream(Fields, BodyBytes);
        var response = await _intake.HandleAsync(new IntakeRequest
        {
            Method = "POST",
            Source = "shop",
            Path = "/api/webhooks/shop",
            Headers = _headers,
            Body = body,
            ContentLength = BodyBytes,
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        });
        return response.Status;
    }

    /// <summary>One claim-check delivery streamed from the blob to the target: the target's status.</summary>
    [Benchmark]
    public async Task<int> Deliver() => (await _target.SendAsync(_envelope, _source)).Status ?? 0;

    /// <summary>
    /// Answers like the Blob service: every write (container, block, block list) drains its content and gets 201,
    /// and a read serves a generated body of the benchmark's size, streamed.
    /// </summary>
    private sealed class BlobServiceStub(long blobLength, StubTraffic traffic) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get)
            {
                var read = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new GeneratedJsonStream(Fields, blobLength)) };
                read.Content.Headers.ContentLength = blobLength;
                read.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                read.Headers.TryAddWithoutValidation("ETag", "\"0x8DD0000000000001\"");
                read.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
                return read;
            }

            if (request.Content is not null)
            {
                // CopyToAsync, as SocketsHttpHandler sends content: ReadAsStreamAsync would buffer the SDK's
                // request content (it only implements SerializeToStreamAsync) and charge every block to the benchmark.
                var sink = new CountingSink();
                await request.Content.CopyToAsync(sink, cancellationToken);
                Interlocked.Add(ref traffic.BlobBytesWritten, sink.Count);
            }

            var written = new HttpResponseMessage(request.Method == HttpMethod.Delete ? HttpStatusCode.Accepted : HttpStatusCode.Created);
            written.Headers.TryAddWithoutValidation("ETag", "\"0x8DD0000000000001\"");
            written.Headers.TryAddWithoutValidation("Last-Modified", Now.ToString("R", CultureInfo.InvariantCulture));
            return written;
        }
    }

    /// <summary>A target that reads the whole request body, as a real server would, and answers 200.</summary>
    private sealed class DrainingTarget(StubTraffic traffic) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            traffic.LastTargetBodyBytes = await DrainAsync(await request.Content!.ReadAsStreamAsync(cancellationToken), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    // Counts what is written to it and keeps nothing: the network end of a request.
    private sealed class CountingSink : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Count += count;
            return Task.CompletedTask;
        }
    }

    // What the stubs received, so setup can prove the benchmark moves the whole body both ways.
    private sealed class StubTraffic
    {
        public long BlobBytesWritten;
        public long LastTargetBodyBytes;
    }

    // Reads a stream to its end in 64 KiB reads, as a socket would send it, and counts the bytes.
    private static async Task<long> DrainAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
