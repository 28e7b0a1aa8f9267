using System.Text;

namespace Webhooks.Harness.Load;

/// <summary>Webhook bodies of an exact size, shaped like a real event, with the delivery id inside.</summary>
public static class SamplePayloads
{
    // One cycle of the padding, then doubled (a multiple of the cycle each time): a 25 MiB body is one array and
    // about twenty memory copies.
    private static readonly byte[] Alphabet = "abcdefghijklmnopqrstuvwxyz"u8.ToArray();

    /// <summary>A JSON object of exactly <paramref name="bytes"/> UTF-8 bytes (longer only if the fixed fields need it).</summary>
    public static byte[] Json(int bytes, string id)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"order.created\",\"id\":\"{id}\",\"data\":{{\"id\":\"ord_123456\",\"amount\":4200,\"currency\":\"EUR\",\"paid\":true,\"items\":[{{\"sku\":\"A-1\",\"qty\":2}},{{\"sku\":\"B-7\",\"qty\":1}}],\"note\":\"");
        var tail = "\"}}"u8;
        var padding = Math.Max(0, bytes - head.Length - tail.Length);
        var body = new byte[head.Length + padding + tail.Length];
        head.CopyTo(body, 0);
        var note = body.AsSpan(head.Length, padding);
        var filled = Math.Min(Alphabet.Length, note.Length);
        Alphabet.AsSpan(0, filled).CopyTo(note);
        while (filled < note.Length)
        {
            var copy = Math.Min(filled, note.Length - filled);
            note[..copy].CopyTo(note[filled..]);
            filled += copy;
        }

        tail.CopyTo(body.AsSpan(head.Length + padding));
        return body;
    }
}
