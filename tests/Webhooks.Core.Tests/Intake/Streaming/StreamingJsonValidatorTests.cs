using System.Text;
using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Intake;
using Webhooks.Intake.Streaming;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Intake.Streaming;

/// <summary>
/// The streaming validator must judge every body exactly as the held path does (JsonDocument with MaxDepth 64,
/// JsonBodyValidator rules, DeliveryIdExtractor), however the body is cut into chunks.
/// </summary>
public sealed class StreamingJsonValidatorTests
{
    private static readonly int[] ChunkSizes = [1, 2, 3, 5, 64, int.MaxValue];

    private static readonly string[] Corpus =
    [
        "{}", "[]", "1", "-0", "0", "1.5e+3", "-12.25E-2", "\"x\"", "true", "false", "null", " \r\n\t{ } \n",
        """{"a":{"b":[1,2,{"c":null}]},"d":"Zoë ✓ 𝄞"}""", """["\u00e9\n\t\"\\\/\b\f\r", "\ud800"]""", """{"":1}""",
        """{"a":1,}""", "[1,]", """{"a" 1}""", "{a:1}", "01", "1.", ".5", "-", "1e", "1e+", "tru", "nul", "falsy",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"tab\tinside\"", """{"a":1}}""", "[1 2]", """{"a":1 "b":2}""",
        "/*c*/{}", "{}//", "NaN", "Infinity", "[true false]", "{} x", "[", "{", """{"a":""", """{"a":1""", "",
        "   ", "\"\u007f\"", "[-]", "[--1]", "[+1]", "[1e5.5]", "[0x10]", "{\"a\":tru}", """[{"a":1},{"b":2}]""",
        new string('[', 64) + new string(']', 64), new string('[', 65) + new string(']', 65),
        new string('[', 64) + "1" + new string(']', 64), "{\"a\":" + new string('[', 63) + new string(']', 63) + "}",
        "{\"a\":" + new string('[', 64) + new string(']', 64) + "}", "\"" + new string('x', 5000) + "\"",
    ];

    public static TheoryData<string> Bodies => new(Corpus);

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Validity_MatchesJsonDocument_ForEveryChunking(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = Parses(bytes);

        foreach (var size in ChunkSizes)
        {
            var validator = Run(bytes, size, new JsonPathWatch([]));

            Assert.True(expected == (validator.Error is null), $"chunk {size}: JsonDocument says {expected}, streaming says '{validator.Error}' for {body}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void LeadingByteOrderMark_IsIgnored_AsRfc8259Allows(int chunkSize)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. """{"a":1}"""u8];

        var validator = Run(bytes, chunkSize, new JsonPathWatch([]));

        Assert.True(Parses(bytes));
        Assert.Null(validator.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, (byte)'1' })]
    [InlineData(new byte[] { (byte)' ', 0xEF, 0xBB, 0xBF, (byte)'1' })]
    public void ByteOrderMark_AnywhereButFirst_IsRefused(byte[] bytes)
    {
        Assert.False(Parses(bytes));
        Assert.NotNull(Run(bytes, 1, new JsonPathWatch([])).Error);
    }

    [Theory]
    [InlineData("{\"a\":1,}", "expected a property name (line 1, byte 8)")]
    [InlineData("{\n  \"a\": 1\n  \"b\": 2\n}", "expected ',' or '}' (line 3, byte 3)")]
    [InlineData("{\"a\":\n tru}", "invalid literal (line 2, byte 5)")]
    [InlineData("[1,\n2", "the body ends before the JSON value is complete (line 2, byte 2)")]
    public void Errors_SayWhatIsWrong_AndWhere(string body, string expected)
    {
        Assert.Equal(expected, Run(Encoding.UTF8.GetBytes(body), 3, new JsonPathWatch([])).Error);
    }

    [Fact]
    public void MutatedBodies_AreJudgedLikeJsonDocument()
    {
        var random = new Random(7);
        var seeds = Corpus.Where(b => b.Length is > 0 and < 200).Select(Encoding.UTF8.GetBytes).ToArray();
        byte[] alphabet = "{}[]\",:.-+eE0123456789tfnrulsa\\/ \n"u8.ToArray();
        for (var i = 0; i < 3000; i++)
        {
            var bytes = seeds[random.Next(seeds.Length)].ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(bytes.Count + 1);
                switch (random.Next(3))
                {
                    case 0: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    case 1 when at < bytes.Count: bytes.RemoveAt(at); break;
                    case 2 when at < bytes.Count: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            var body = bytes.ToArray();
            var streamed = Run(body, random.Next(1, 8), new JsonPathWatch([]));

            Assert.True(Parses(body) == (streamed.Error is null), $"Disagreement on {Encoding.UTF8.GetString(body)}: '{streamed.Error}'");
        }
    }

    public static TheoryData<string> RuleBodies => new()
    {
        """{"type":"order","data":{"id":42,"n":1.5},"flag":true,"list":[],"obj":{},"any":null}""",
        """{"type":1,"data":{"id":4.2,"n":"x"},"flag":"no","list":{},"obj":[],"any":0}""",
        """{"data":{"id":9223372036854775807}}""", """{"data":{"id":9223372036854775808}}""", """{"data":{"id":1e2}}""",
        """{"data":{"id":-0}}""", """{"data":{"id":null}}""", """{"data":null}""", """{"data":[{"id":1}]}""",
        """{"data":{"id":1},"data":{"n":2}}""", """{"data":{"n":2},"data":{"id":1}}""", """{"type":"a","type":null}""",
        """{"type":null,"type":"a"}""", """{"\u0074ype":"escaped key","d\u0061ta":{"\u0069d":7}}""", """[{"type":"x"}]""",
        """{"type":{"type":"nested"}}""", """{"data":{"id":{"id":1}}}""", "\"just a string\"", "12",
        """{"flag":false,"list":[[1]],"obj":{"a":{"b":{}}},"any":[null]}""",
    };

    [Theory]
    [MemberData(nameof(RuleBodies))]
    public void RequiredFields_AreJudgedLikeTheParsedDocument(string body)
    {
        var rules = new ValidationOptions
        {
            RequiredFields =
            {
                ["type"] = "string", ["data.id"] = "integer", ["data.n"] = "number", ["flag"] = "boolean",
                ["list"] = "array", ["obj"] = "object", ["any"] = "any",
            },
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        using var document = JsonDocument.Parse(bytes);
        var expected = JsonBodyValidator.Validate(document.RootElement, rules);

        foreach (var size in ChunkSizes)
        {
            var watch = new JsonPathWatch(rules.RequiredFields.Keys);
            Assert.Null(Run(bytes, size, watch).Error);

            var actual = JsonBodyValidator.Validate(rules, path => watch.Last(path) is { } seen ? (seen.Kind, seen.IsInt64) : null);

            Assert.Equal(expected.OrderBy(e => e.Key), actual.OrderBy(e => e.Key));
        }
    }

    [Theory]
    [InlineData("""{"id":"evt_1","data":{"id":"inner"}}""")]
    [InlineData("""{"data":{"id":"inner"},"id":"evt_2"}""")]
    [InlineData("""{"id":"evt_first","id":"evt_second"}""")]
    [InlineData("""{"id":42,"id":"evt_late"}""")]
    [InlineData("""{"id":"has space"}""")]
    [InlineData("""{"id":"\u0065vt_escaped"}""")]
    [InlineData("""["id"]""")]
    [InlineData("""{"other":"x"}""")]
    public void BodyId_IsTheOneDeliveryIdExtractorFinds(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = DeliveryIdExtractor.FromJsonBody(bytes, "id");
        var watch = new JsonPathWatch(["id"]);

        Run(bytes, 3, watch);
        var first = watch.First("id");
        var actual = first is { Kind: JsonValueKind.String, Text: var id } && DeliveryIdExtractor.IsUsable(id) ? id : null;

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void LongStringValues_AreNotKept_ButStillValidated()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"" + new string('x', 100_000) + "\",\"n\":1}");
        var watch = new JsonPathWatch(["type", "n"]);

        var validator = Run(body, 4096, watch);

        Assert.Null(validator.Error);
        Assert.Equal(JsonValueKind.String, watch.Last("type")!.Value.Kind);
        Assert.Null(watch.Last("type")!.Value.Text);
        Assert.Equal("1", watch.Last("n")!.Value.Text);
    }

    private static StreamingJsonValidator Run(byte[] body, int chunkSize, JsonPathWatch watch)
    {
        var validator = new StreamingJsonValidator(watch);
        for (var offset = 0; offset < body.Length; offset += Math.Min(chunkSize, body.Length - offset))
        {
            validator.Append(body.AsSpan(offset, Math.Min(chunkSize, body.Length - offset)));
        }

        validator.Complete();
        return validator;
    }

    private static bool Parses(byte[] body)
    {
        // JSON only (UTF-8 validity is another check), after the byte-order mark the held path skips too.
        try
        {
            using var document = JsonDocument.Parse(SenderJson.WithoutByteOrderMark(body.AsMemory()), new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
