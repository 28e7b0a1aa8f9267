using System.Text;

namespace Webhooks.Harness.Load;

/// <summary>Webhook bodies of an exact size, shaped like a real event, with the delivery id inside.</summary>
public static class SamplePayloads
{
    /// <summary>A JSON object of exactly <paramref name="bytes"/> UTF-8 bytes (longer only if the fixed fields need it).</summary>
    public static byte[] Json(int bytes, string id)
    {
        var head = $"{{\"type\":\"order.created\",\"id\":\"{id}\",\"data\":{{\"id\":\"ord_123456\",\"amount\":4200,\"currency\":\"EUR\",\"paid\":true,\"items\":[{{\"sku\":\"A-1\",\"qty\":2}},{{\"sku\":\"B-7\",\"qty\":1}}],\"note\":\"";
        const string Tail = "\"}}";
        var padding = Math.Max(0, bytes - head.Length - Tail.Length);
        var text = new StringBuilder(bytes).Append(head);
        for (var i = 0; i < padding; i++)
        {
            text.Append((char)('a' + (i % 26)));
        }

        return Encoding.UTF8.GetBytes(text.Append(Tail).ToString());
    }
}
