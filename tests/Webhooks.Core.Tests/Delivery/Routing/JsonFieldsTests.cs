using System.Text;
using Webhooks.Delivery.Routing;

namespace Webhooks.Core.Tests.Delivery.Routing;

public class JsonFieldsTests
{
    private static readonly string[][] Paths = [["type"], ["data", "object", "status"], ["data", "object", "amount"], ["meta"], ["data", "items", "id"]];

    private const string Body = """
        {"id":"evt_1","type":"invoice.paid","meta":{"k":1},
         "data":{"items":[{"id":"x"}],"object":{"status":"p\u0061id","amount":12.50,"nested":{"status":"ignored"}}}}
        """;

    [Fact]
    public void Inline_ReadsTheScalarsAtThePaths_AsTheirText()
    {
        var fields = JsonFields.Read(Encoding.UTF8.GetBytes(Body), Paths)!;

        Assert.Equal("invoice.paid", fields[["type"]]);
        Assert.Equal("paid", fields[["data", "object", "status"]]); // unescaped
        Assert.Equal("12.50", fields[["data", "object", "amount"]]); // the number's JSON text
        Assert.Null(fields[["meta"]]); // an object is no value
        Assert.Null(fields[["data", "items", "id"]]); // nothing inside an array is reached
        Assert.Null(fields[["id"]]); // not asked for
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Streamed_InAnyChunkSize_ReadsTheSameAsInline(int chunk)
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(Body), chunk);

        var fields = (await JsonFields.ReadAsync(stream, Paths, CancellationToken.None))!;

        Assert.Equal(("invoice.paid", "paid", "12.50"), (fields[["type"]], fields[["data", "object", "status"]], fields[["data", "object", "amount"]]));
    }

    [Fact]
    public async Task Streamed_ATokenLargerThanTheBuffer_AndAValueAfterIt()
    {
        var json = $$"""{"blob":"{{new string('x', 100_000)}}","type":"invoice.paid"}""";
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), 8192);

        var fields = await JsonFields.ReadAsync(stream, [["type"], ["blob"]], CancellationToken.None);

        Assert.Equal("invoice.paid", fields![["type"]]);
        Assert.Equal(100_000, fields[["blob"]]!.Length);
    }

    [Fact]
    public void DuplicateProperty_TheLastWins()
    {
        var fields = JsonFields.Read("""{"type":"a","type":"b"}"""u8, [["type"]]);

        Assert.Equal("b", fields![["type"]]);
    }

    [Theory]
    [InlineData("""{"type":"invoice.paid" """)] // truncated
    [InlineData("""{"type":"invoice.paid"} trailing""")]
    [InlineData("type=invoice.paid")]
    [InlineData("")]
    public async Task NotJson_IsNull_InlineAndStreamed(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.Null(JsonFields.Read(bytes, [["type"]]));
        Assert.Null(await JsonFields.ReadAsync(new TrickleStream(bytes, 3), [["type"]], CancellationToken.None));
    }

    [Fact]
    public void StringThatIsNotUtf8_IsNoValue()
    {
        var fields = JsonFields.Read([.. "{\"type\":\""u8, 0xC3, 0x28, .. "\"}"u8], [["type"]]);

        Assert.Null(fields?[["type"]]);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a slow network stream would.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
