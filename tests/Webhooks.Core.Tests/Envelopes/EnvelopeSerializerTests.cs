using System.Text;
using Webhooks.Envelopes;

namespace Webhooks.Core.Tests.Envelopes;

public class EnvelopeSerializerTests
{
    [Fact]
    public void RoundTrip_KeepsBodyByteForByteAndEveryField()
    {
        byte[] body = [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0xA9, 0x22, 0x20, 0x7D, 0x0A];
        var original = new DeliveryEnvelope
        {
            Id = "msg_1",
            Source = "shop",
            ReceivedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ContentType = "application/json; charset=utf-8",
            Headers = { ["webhook-id"] = "msg_1" },
            Body = body,
            Attempt = 2,
            Attempts = [new DeliveryAttempt(1, DateTimeOffset.UnixEpoch, "requeue", 503, "Service Unavailable", 12)],
            ReplayCount = 1,
        };

        var copy = EnvelopeSerializer.Deserialize(EnvelopeSerializer.Serialize(original));

        Assert.Equal(body, copy.Body);
        Assert.Equal("msg_1", copy.Id);
        Assert.Equal("shop", copy.Source);
        Assert.Equal(original.ReceivedAt, copy.ReceivedAt);
        Assert.Equal(original.ContentType, copy.ContentType);
        Assert.Equal("msg_1", copy.Headers["WEBHOOK-ID"]);
        Assert.Equal(2, copy.Attempt);
        Assert.Equal(original.Attempts, copy.Attempts);
        Assert.Equal(1, copy.ReplayCount);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"a\",\"source\":\"s\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"contentType\":\"application/json\"}")]
    [InlineData("[1,2]")]
    public void Deserialize_RejectsWhatIsNotAnEnvelope(string text) =>
        Assert.Throws<EnvelopeFormatException>(() => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(text)));
}
