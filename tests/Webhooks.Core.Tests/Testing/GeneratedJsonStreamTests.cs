using System.Text.Json;
using Webhooks.Testing;

namespace Webhooks.Core.Tests.Testing;

/// <summary>The generated body the streaming tests and benchmarks rely on is the JSON it claims to be, however it is read.</summary>
public sealed class GeneratedJsonStreamTests
{
    [Theory]
    [InlineData(40, 1)]
    [InlineData(40, 7)]
    [InlineData(100_000, 4096)]
    [InlineData(100_000, 65_536)]
    public void Read_InAnyChunkSize_YieldsValidJsonOfTheExactLength(long length, int chunk)
    {
        using var stream = new GeneratedJsonStream("\"type\":\"t\"", length);
        using var copy = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        var bytes = copy.ToArray();
        Assert.Equal(length, bytes.Length);
        Assert.Equal(length, stream.BytesRead);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal("t", json.RootElement.GetProperty("type").GetString());
        Assert.All(json.RootElement.GetProperty("pad").GetString()!, c => Assert.Equal('x', c));
        Assert.Equal(bytes, GeneratedJsonStream.Materialize("\"type\":\"t\"", length));
    }
}
