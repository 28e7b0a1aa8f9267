using System.Text;
using Webhooks.Intake.Streaming;

namespace Webhooks.Core.Tests.Intake.Streaming;

/// <summary>UTF-8 checked across chunk boundaries by the same strict rules as the held path.</summary>
public sealed class Utf8ValidatorTests
{
    public static TheoryData<byte[], bool> Cases => new()
    {
        { Encoding.UTF8.GetBytes("plain ascii"), true },
        { Encoding.UTF8.GetBytes("Zoë ✓ 𝄞 end"), true },
        { [0xC3], false },                         // truncated two-byte sequence at the end
        { [0xF0, 0x9D, 0x84], false },             // truncated four-byte sequence
        { [0xC0, 0xAF], false },                   // overlong '/'
        { [0xED, 0xA0, 0x80], false },             // an encoded surrogate
        { [0x41, 0xFF, 0x42], false },             // never valid
        { [0x80], false },                         // a lone continuation byte
        { [], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryChunking_AgreesWithTheStrictDecoder(byte[] bytes, bool expected)
    {
        for (var size = 1; size <= Math.Max(1, bytes.Length); size++)
        {
            var validator = new Utf8Validator();
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                validator.Append(bytes.AsSpan(offset, Math.Min(size, bytes.Length - offset)));
            }

            validator.Complete();

            Assert.Equal(expected, validator.IsValid);
        }
    }
}
