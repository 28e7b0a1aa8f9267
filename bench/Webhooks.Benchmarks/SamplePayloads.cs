using System.Text;

namespace Webhooks.Benchmarks;

/// <summary>Deterministic webhook bodies of a given size, shaped like a real event (nested object, array, strings).</summary>
public static class SamplePayloads
{
    /// <summary>The Standard Webhooks secret every benchmark signs with.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// <summary>A JSON object of exactly <paramref name="bytes"/> UTF-8 bytes (at least 128), padded in a string field.</summary>
    public static byte[] Json(int bytes)
    {
        const string Head = "{\"type\":\"order.created\",\"timestamp\":\"2026-11-22T10:15:30Z\",\"data\":{\"id\":\"ord_123456\",\"amount\":4200,\"currency\":\"EUR\",\"paid\":true,\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"note\":\"";
        const string Tail = "\"}}";
        var padding = Math.Max(0, bytes - Head.Length - Tail.Length);
        var text = new StringBuilder(bytes).Append(Head);
        for (var i = 0; i < padding; i++)
        {
            text.Append((char)('a' + (i % 26)));
        }

        return Encoding.UTF8.GetBytes(text.Append(Tail).ToString());
    }
}
