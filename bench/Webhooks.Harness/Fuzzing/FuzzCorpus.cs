using System.Globalization;
using System.Text;
using Webhooks.Verification;

namespace Webhooks.Harness.Fuzzing;

/// <summary>
/// The seeded fuzz corpus: malformed requests for the intake — broken and deeply nested JSON, invalid UTF-8, huge and
/// duplicated headers, wrong content types, forged, truncated and replayed signatures, stale and future timestamps,
/// oversized and lying Content-Length, slow bodies, broken HTTP framing, request smuggling shapes, control and
/// non-ASCII bytes, escaped lone surrogates, odd versions and methods, long request lines, registration handshake
/// payloads — with a few valid ones for control.
/// </summary>
/// <remarks>
/// The same seed gives the same sequence of cases. Cases are generated lazily, so signatures and timestamps are made
/// relative to the clock at the moment each case is produced (a "stale" case is always stale, a valid one always
/// fresh); replays resend the exact bytes of an earlier valid case.
/// </remarks>
public sealed partial class FuzzCorpus
{
    private static readonly IReadOnlySet<int> Accepted = Set(202);
    private static readonly IReadOnlySet<int> Unauthorized = Set(401);

    private readonly Random _random;
    private readonly string _host;
    private readonly TimeProvider _clock;
    private readonly List<(byte[] Head, byte[] Body)> _validSent = [];
    private readonly (string Category, double Weight, Func<FuzzCase> Make)[] _generators;
    private readonly double _totalWeight;
    private int _number;

    /// <summary>A corpus for the host at <paramref name="host"/> (the Host header value, <c>127.0.0.1:port</c>).</summary>
    public FuzzCorpus(int seed, string host, TimeProvider clock)
    {
        _random = new Random(seed);
        _host = host;
        _clock = clock;
        _generators =
        [
            ("valid", 3, Valid),
            ("replayed-signature", 3, Replayed),
            ("broken-json", 10, BrokenJson),
            ("deep-json", 4, DeepJson),
            ("invalid-utf8", 6, InvalidUtf8),
            ("huge-header", 3, HugeHeader),
            ("many-headers", 2, ManyHeaders),
            ("duplicated-headers", 5, DuplicatedHeaders),
            ("content-type", 6, ContentType),
            ("accept", 3, Accept),
            ("forged-signature", 8, ForgedSignature),
            ("truncated-signature", 4, TruncatedSignature),
            ("stale-or-future-timestamp", 6, StaleOrFutureTimestamp),
            ("malformed-timestamp", 3, MalformedTimestamp),
            ("oversized-declared", 3, OversizedDeclared),
            ("oversized-streamed", 2, OversizedStreamed),
            ("lying-length-short", 3, LyingLengthShort),
            ("lying-length-long", 3, LyingLengthLong),
            ("slow-body", 0.25, SlowBody),
            ("method", 4, Method),
            ("unknown-source", 3, UnknownSource),
            ("source-state", 3, SourceState),
            ("rate-limited", 2, RateLimited),
            ("api-key", 3, ApiKey),
            ("broken-framing", 4, BrokenFraming),
            ("broken-chunking", 2, BrokenChunking),
            ("validation", 4, Validation),
            ("random-bytes", 3, RandomBytes),
            ("handshake-payload", 4, HandshakePayload),
            ("lone-surrogate", 4, LoneSurrogate),
            ("control-and-non-ascii", 4, ControlAndNonAscii),
            ("smuggling", 4, Smuggling),
            ("odd-version-or-method", 4, OddVersionOrMethod),
            ("long-request-line", 2, LongRequestLine),
        ];
        _totalWeight = _generators.Sum(g => g.Weight);
    }

    /// <summary>The category names, in corpus order.</summary>
    public IEnumerable<string> Categories => _generators.Select(g => g.Category);

    /// <summary>The next <paramref name="count"/> cases.</summary>
    public IEnumerable<FuzzCase> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    /// <summary>The next case.</summary>
    public FuzzCase Next()
    {
        _number++;
        var pick = _random.NextDouble() * _totalWeight;
        foreach (var (_, weight, make) in _generators)
        {
            pick -= weight;
            if (pick < 0)
            {
                return make();
            }
        }

        return _generators[^1].Make();
    }

    // ---- control ----

    private FuzzCase Valid()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());

        // Replays of this case may overtake it (cases run concurrently): then it is the duplicate (200), or finds the
        // replay still being queued (503 deliveryInProgress).
        var made = Make("valid", "signed, well-formed", request, body, Set(202, 200, 503));
        _validSent.Add((made.Head, made.Body));
        if (_validSent.Count > 64)
        {
            _validSent.RemoveAt(0);
        }

        return made;
    }

    private FuzzCase Replayed()
    {
        if (_validSent.Count == 0)
        {
            return Valid();
        }

        var (head, body) = _validSent[_random.Next(_validSent.Count)];
        if (_random.Next(2) == 0)
        {
            // The same bytes again, inside the window and correctly signed: deduplication answers 200 "duplicate"
            // without queueing twice (202 if it overtook the original, 503 deliveryInProgress if they overlap).
            return new FuzzCase(_number, "replayed-signature", "identical resend", head, body, SendMode.Whole, Set(200, 202, 503));
        }

        // The same signature on another body: must be refused.
        var other = ValidJson();
        var headText = Encoding.Latin1.GetString(head);
        var cl = headText.IndexOf("Content-Length: ", StringComparison.Ordinal);
        var end = headText.IndexOf("\r\n", cl, StringComparison.Ordinal);
        headText = string.Concat(headText.AsSpan(0, cl), "Content-Length: ", other.Length.ToString(CultureInfo.InvariantCulture), headText.AsSpan(end));
        return new FuzzCase(_number, "replayed-signature", "signature replayed on another body", Encoding.Latin1.GetBytes(headText), other, SendMode.Whole, Unauthorized);
    }

    // ---- bodies ----

    private FuzzCase BrokenJson()
    {
        var valid = Encoding.UTF8.GetString(ValidJson());
        (string Detail, string Body) variant = _random.Next(16) switch
        {
            0 => ("truncated", valid[.._random.Next(1, valid.Length - 1)]),
            1 => ("character removed", valid.Remove(_random.Next(valid.Length), 1)),
            2 => ("structural character inserted", valid.Insert(_random.Next(valid.Length), Pick("{", "}", "[", "]", ",", ":", "\"", "\\"))),
            3 => ("trailing comma", valid.Insert(valid.Length - 1, ",")),
            4 => ("single quotes", valid.Replace('"', '\'')),
            5 => ("comment", "/* hi */" + valid),
            6 => ("NaN literal", valid.Replace("4200", "NaN", StringComparison.Ordinal)),
            7 => ("empty body", string.Empty),
            8 => ("whitespace only", "   \r\n\t "),
            9 => ("two documents", valid + valid),
            10 => ("garbage after document", valid + "garbage"),
            11 => ("unterminated string", "{\"type\":\"order.created"),
            12 => ("bare value", Pick("null", "true", "123", "\"text\"", "[]")),
            13 => ("invalid escape", "{\"type\":\"\\x41\",\"data\":{\"id\":\"1\"}}"),
            14 => ("leading BOM", "\uFEFF" + valid),
            _ => ("control character in string", "{\"type\":\"a\u0001b\",\"data\":{\"id\":\"1\"}}"),
        };
        var (request, body) = SignedPost(FuzzSources.Main, Encoding.UTF8.GetBytes(variant.Body));
        return Make("broken-json", variant.Detail, request, body, Set(400, 422, 202));
    }

    private FuzzCase DeepJson()
    {
        var depth = _random.Next(4) switch
        {
            0 => 65,
            1 => _random.Next(66, 1000),
            2 => _random.Next(1000, 12_000),
            _ => _random.Next(12_000, 40_000),
        };
        var objects = _random.Next(2) == 0;
        var closed = _random.Next(2) == 0;
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append(objects ? "{\"a\":" : "[");
        }

        text.Append('1');
        if (closed)
        {
            text.Append(objects ? '}' : ']', depth);
        }

        var (request, body) = SignedPost(FuzzSources.Main, Encoding.UTF8.GetBytes(text.ToString()));
        return Make("deep-json", $"depth {depth}, {(objects ? "objects" : "arrays")}, {(closed ? "closed" : "unclosed")}", request, body, Set(400, 413));
    }

    private FuzzCase InvalidUtf8()
    {
        byte[][] sequences =
        [
            [0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xE2, 0x82, 0x28], [0xF0, 0x28, 0x8C, 0xBC],
            [0xF8, 0xA1, 0xA1, 0xA1, 0xA1], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xFE], [0xF4, 0x90, 0x80, 0x80], [0x80],
        ];
        var bad = sequences[_random.Next(sequences.Length)];
        var atEnd = _random.Next(4) == 0;
        byte[] body = atEnd
            ? [.. Encoding.UTF8.GetBytes("{\"type\":\"x\",\"data\":{\"id\":\"1\"}} "), .. bad]
            : [.. Encoding.UTF8.GetBytes("{\"type\":\"order."), .. bad, .. Encoding.UTF8.GetBytes("\",\"data\":{\"id\":\"1\"}}")];
        var (request, signed) = SignedPost(FuzzSources.Main, body);
        return Make("invalid-utf8", $"{Convert.ToHexString(bad)} {(atEnd ? "after the document" : "inside a string")}", request, signed, Set(400));
    }

    private FuzzCase RandomBytes()
    {
        var body = new byte[_random.Next(1, 4096)];
        _random.NextBytes(body);
        var (request, signed) = SignedPost(FuzzSources.Main, body);
        return Make("random-bytes", $"{body.Length} random bytes", request, signed, Set(400));
    }

    private FuzzCase Validation()
    {
        var variant = _random.Next(6) switch
        {
            0 => ("type missing", "{\"data\":{\"id\":\"1\"}}"),
            1 => ("type not a string", "{\"type\":42,\"data\":{\"id\":\"1\"}}"),
            2 => ("data.id missing", "{\"type\":\"x\",\"data\":{}}"),
            3 => ("data not an object", "{\"type\":\"x\",\"data\":[1,2]}"),
            4 => ("everything null", "{\"type\":null,\"data\":null}"),
            _ => ("empty object", "{}"),
        };
        var (request, body) = SignedPost(FuzzSources.Main, Encoding.UTF8.GetBytes(variant.Item2));
        return Make("validation", variant.Item1, request, body, Set(422));
    }

    // ---- headers ----

    private FuzzCase HugeHeader()
    {
        var size = _random.Next(4) switch
        {
            0 => _random.Next(1_000, 8_000),
            1 => _random.Next(8_000, 24_000),
            2 => _random.Next(24_000, 40_000),
            _ => _random.Next(40_000, 200_000),
        };
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var which = _random.Next(3);
        switch (which)
        {
            case 0:
                request.Header("X-Fuzz-Padding", new string('a', size));
                break;
            case 1:
                // A signature list far longer than any sender's: every entry must be looked at and refused.
                var entries = string.Join(' ', Enumerable.Range(0, size / 48).Select(_ => "v1," + Convert.ToBase64String(RandomBytes(32))));
                request.Set("webhook-signature", entries);
                break;
            default:
                request.Set("webhook-id", new string('i', size));
                break;
        }

        // Kestrel refuses a header block over 32 KiB with 431 before the app runs.
        var framing = size > 30_000;
        var detail = $"{(which == 0 ? "padding header" : which == 1 ? "webhook-signature list" : "webhook-id")} of {size} bytes";
        return Make("huge-header", detail, request, body, which == 0 ? Set(202, 431) : Set(401, 431), framing: framing);
    }

    private FuzzCase ManyHeaders()
    {
        var count = _random.Next(10, 300);
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        for (var i = 0; i < count; i++)
        {
            request.Header($"X-Fuzz-{i}", "v");
        }

        // Kestrel allows 100 headers by default; more is a 431 before the app runs.
        return Make("many-headers", $"{count} extra headers", request, body, Set(202, 431), framing: count + 6 > 100);
    }

    private FuzzCase DuplicatedHeaders()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var variant = _random.Next(7);
        string detail;
        IReadOnlySet<int> expected;
        var framing = false;
        switch (variant)
        {
            case 0:
                request.Header("webhook-signature", "v1," + Convert.ToBase64String(RandomBytes(32)));
                detail = "second webhook-signature (forged)";
                expected = Set(401, 202);
                break;
            case 1:
                request.Header("webhook-id", "msg_other");
                detail = "second webhook-id";
                expected = Unauthorized;
                break;
            case 2:
                request.Header("webhook-timestamp", Unix(_clock.GetUtcNow()));
                detail = "second webhook-timestamp";
                expected = Unauthorized;
                break;
            case 3:
                request.Header("Content-Type", "application/json");
                detail = "second Content-Type";
                expected = Set(415, 202);
                break;
            case 4:
                request.Header("Host", "evil.example");
                detail = "second Host";
                expected = Set(400);
                framing = true;
                break;
            case 5:
                request.Header("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture));
                detail = "second Content-Length (same value)";
                expected = Set(400, 202);
                framing = true;
                break;
            default:
                request.Header("Accept", "application/json").Header("Accept", "text/html");
                detail = "two Accept headers";
                expected = Set(202, 406);
                break;
        }

        return Make("duplicated-headers", detail, request, body, expected, framing: framing);
    }

    private FuzzCase ContentType()
    {
        var value = Pick(
            null, string.Empty, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/jsonp", "application/json-seq", "json", "application/*", "*/*", "application/json; charset=utf-16",
            "application/json; charset=\"utf-8\"", "APPLICATION/JSON", "application/cloudevents+json", "application/vnd.api+json",
            "application/json;;;", "application/json; =", "text/json", "application/problem+json", "application/+json", ";");
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        request.Without("Content-Type");
        if (value is not null)
        {
            request.Header("Content-Type", value);
        }

        return Make("content-type", value is null ? "missing" : $"'{value}'", request, body, Set(415, 202));
    }

    private FuzzCase Accept()
    {
        var value = Pick("text/html", "application/xml", "text/*", "image/png", "application/json;q=0", "*/*;q=0", "application/problem+xml", "*/*", "application/*", "text/html, application/json;q=0.1", ";;");
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        request.Header("Accept", value);
        return Make("accept", $"'{value}'", request, body, Set(406, 202));
    }

    // ---- signatures and timestamps ----

    private FuzzCase ForgedSignature()
    {
        var body = ValidJson();
        var id = NewId();
        var now = _clock.GetUtcNow();
        var request = Post(FuzzSources.Main);
        var real = StandardWebhooksSigner.Sign(FuzzSources.Secret, id, now, body);
        var variant = _random.Next(12);
        (string Detail, string? Signature) forged = variant switch
        {
            0 => ("random v1 signature", "v1," + Convert.ToBase64String(RandomBytes(32))),
            1 => ("signed with another secret", StandardWebhooksSigner.Sign("whsec_" + Convert.ToBase64String(RandomBytes(32)), id, now, body)),
            2 => ("v2 prefix", "v2," + real[3..]),
            3 => ("empty v1", "v1,"),
            4 => ("spaces only", "   "),
            5 => ("31-byte MAC", "v1," + Convert.ToBase64String(RandomBytes(31))),
            6 => ("hex instead of base64", "v1," + Convert.ToHexString(RandomBytes(32))),
            7 => ("signature of another body", StandardWebhooksSigner.Sign(FuzzSources.Secret, id, now, ValidJson())),
            8 => ("signature of another id", StandardWebhooksSigner.Sign(FuzzSources.Secret, NewId(), now, body)),
            9 => ("signature missing", null),
            10 => ("base64url alphabet", real.Replace('+', '-').Replace('/', '_')),
            _ => ("many forged entries", string.Join(' ', Enumerable.Range(0, 50).Select(_ => "v1," + Convert.ToBase64String(RandomBytes(32))))),
        };
        request.Header("webhook-id", id).Header("webhook-timestamp", Unix(now));
        if (forged.Signature is not null)
        {
            request.Header("webhook-signature", forged.Signature);
        }

        // base64url of a MAC without + or / is the real signature: accepted, rightly.
        return Make("forged-signature", forged.Detail, request, body, variant == 10 ? Set(401, 202) : Unauthorized);
    }

    private FuzzCase TruncatedSignature()
    {
        var body = ValidJson();
        var id = NewId();
        var now = _clock.GetUtcNow();
        var real = StandardWebhooksSigner.Sign(FuzzSources.Secret, id, now, body);
        var keep = _random.Next(0, real.Length);
        var request = Post(FuzzSources.Main).Header("webhook-id", id).Header("webhook-timestamp", Unix(now)).Header("webhook-signature", real[..keep]);
        return Make("truncated-signature", $"{keep} of {real.Length} characters", request, body, Unauthorized);
    }

    private FuzzCase StaleOrFutureTimestamp()
    {
        var seconds = _random.Next(3) switch
        {
            0 => _random.Next(301, 3_600),
            1 => _random.Next(3_600, 86_400 * 365),
            _ => (long)(_random.NextDouble() * 1e10),
        };
        var future = _random.Next(2) == 0;
        var at = _clock.GetUtcNow().AddSeconds(future ? seconds : -seconds);
        if (at < DateTimeOffset.UnixEpoch)
        {
            at = DateTimeOffset.UnixEpoch;
        }

        if (at.Year > 9000)
        {
            at = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        }

        var (request, body) = SignedPost(FuzzSources.Main, ValidJson(), timestamp: at);
        return Make("stale-or-future-timestamp", $"{(future ? "+" : "-")}{seconds} s", request, body, Unauthorized);
    }

    private FuzzCase MalformedTimestamp()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var value = Pick(
            "abc", string.Empty, "1e9", "-1", "0", "00000" + now, now + ".5", "99999999999999999999999", now.ToString("X", CultureInfo.InvariantCulture),
            "+" + now, now + " ", "١٧٩٥٢٦٣٣٣٠", now * 1000 + string.Empty);
        var body = ValidJson();
        var id = NewId();

        // Signed over the literal text, so only the timestamp check can refuse it.
        var signature = SignLiteral(id, value, body);
        var request = Post(FuzzSources.Main).Header("webhook-id", id).Header("webhook-timestamp", value).Header("webhook-signature", signature);

        // Leading zeros or a leading + still name a time inside the window; refusing or accepting both are defensible.
        var lenient = value.StartsWith('0') && value.Length > 1 || value.StartsWith('+');
        return Make("malformed-timestamp", $"'{value}'", request, body, lenient ? Set(401, 202) : Unauthorized);
    }

    // ---- sizes and framing ----

    private FuzzCase OversizedDeclared()
    {
        var declared = _random.Next(3) switch
        {
            0 => FuzzSources.MaxBodyBytes + 1L,
            1 => _random.NextInt64(FuzzSources.MaxBodyBytes + 2L, 100_000_000),
            _ => _random.NextInt64(100_000_000, long.MaxValue / 2),
        };
        var (request, _) = SignedPost(FuzzSources.Main, ValidJson());
        request.DeclaredLength = declared;

        // Nothing of the body is sent: the answer must come from the declared length alone.
        return Make("oversized-declared", $"Content-Length {declared}, no body sent", request, [], Set(413));
    }

    private FuzzCase OversizedStreamed()
    {
        var size = _random.Next(FuzzSources.MaxBodyBytes + 1, 4 * FuzzSources.MaxBodyBytes);
        var json = Encoding.UTF8.GetBytes("{\"type\":\"x\",\"pad\":\"" + new string('p', size) + "\"}");
        var (request, _) = SignedPost(FuzzSources.Main, json);
        var chunked = _random.Next(2) == 0;
        byte[] body = json;
        if (chunked)
        {
            request.Header("Transfer-Encoding", "chunked");
            body = Chunk(json, 8192);
        }

        return Make("oversized-streamed", $"{json.Length} bytes{(chunked ? ", chunked, no Content-Length" : string.Empty)}", request, body, Set(413));
    }

    private FuzzCase LyingLengthShort()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var sent = _random.Next(0, body.Length);
        var declared = body.Length + _random.Next(1, 5000);
        request.DeclaredLength = declared;
        return Make("lying-length-short", $"declares {declared}, sends {sent} then closes", request, body[..sent], Set(400, 413), SendMode.CloseEarly);
    }

    private FuzzCase LyingLengthLong()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var declared = _random.Next(0, body.Length);
        request.DeclaredLength = declared;

        // The rest of the body is read as the start of a second request (Kestrel answers that one with a bare 400).
        return Make("lying-length-long", $"declares {declared} of {body.Length}", request, body, Set(400, 401, 422));
    }

    private FuzzCase SlowBody()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var stall = _random.Next(2) == 0;
        return Make("slow-body", stall ? "half the body, then silence" : "one byte every 250 ms", request, body, Set(408), stall ? SendMode.Stall : SendMode.Slow);
    }

    private FuzzCase BrokenFraming()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var variant = _random.Next(10);
        string detail;
        switch (variant)
        {
            case 0:
                request.RawHeaderBytes = "X-No-Colon\r\n"u8.ToArray();
                detail = "header line without a colon";
                break;
            case 1:
                request.RawHeaderBytes = "Bad Name: x\r\n"u8.ToArray();
                detail = "space in a header name";
                break;
            case 2:
                request.RawHeaderBytes = [.. "X-Control: a"u8, 0x01, .. "b\r\n"u8];
                detail = "control byte in a header value";
                break;
            case 3:
                request.RawHeaderBytes = [.. "X-Nul: a"u8, 0x00, .. "b\r\n"u8];
                detail = "NUL in a header value";
                break;
            case 4:
                request.RawHeaderBytes = [.. "X-Latin: caf"u8, 0xE9, .. "\r\n"u8];
                detail = "non-ASCII byte in a header value";
                break;
            case 5:
                request.RawHeaderBytes = "X-Folded: a\r\n  continued\r\n"u8.ToArray();
                detail = "obsolete line folding";
                break;
            case 6:
                request.Path = "/api/webhooks/fuzz HTTP/1.1 junk";
                detail = "junk in the request line";
                break;
            case 7:
                request.Header("Transfer-Encoding", "gzip");
                detail = "Transfer-Encoding not ending in chunked";
                break;
            case 8:
                request.RawHeaderBytes = "X-Bare-LF: a\nX-Other: b\r\n"u8.ToArray();
                detail = "bare LF line ending";
                break;
            default:
                request.Method = "PO ST";
                detail = "space in the method";
                break;
        }

        return Make("broken-framing", detail, request, body, Set(400, 401, 202), framing: true);
    }

    private FuzzCase BrokenChunking()
    {
        var (request, json) = SignedPost(FuzzSources.Main, ValidJson());
        request.Header("Transfer-Encoding", "chunked");
        var variant = _random.Next(5);
        (string Detail, byte[] Body) broken = variant switch
        {
            0 => ("chunk size not hex", [.. "zz\r\n"u8, .. json, .. "\r\n0\r\n\r\n"u8]),
            1 => ("chunk shorter than its size", [.. Encoding.ASCII.GetBytes($"{json.Length + 10:x}\r\n"), .. json, .. "\r\n0\r\n\r\n"u8]),
            2 => ("huge chunk size", [.. "FFFFFFFFFFFFFFFFFF\r\n"u8, .. json]),
            3 => ("missing CRLF after chunk", [.. Encoding.ASCII.GetBytes($"{json.Length:x}\r\n"), .. json, .. "0\r\n\r\n"u8]),
            _ => ("no terminating chunk", [.. Encoding.ASCII.GetBytes($"{json.Length:x}\r\n"), .. json, .. "\r\n"u8]),
        };

        // The last variant leaves the body open: Kestrel waits for more until its minimum data rate gives up (408).
        var mode = variant == 4 ? SendMode.CloseEarly : SendMode.Whole;
        return Make("broken-chunking", broken.Detail, request, broken.Body, Set(400, 413, 408), mode);
    }

    // ---- routing, method, state, limits, keys ----

    private FuzzCase Method()
    {
        var method = Pick("GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OPTIONS+origin", "TRACE", "FOO", "post");
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        IReadOnlySet<int> expected = Set(405);
        if (method == "OPTIONS+origin")
        {
            method = "OPTIONS";
            request.Header("WebHook-Request-Origin", "eventgrid.azure.net");
            expected = Set(200);
        }
        else if (method == "post")
        {
            // Methods are case-sensitive tokens; whether "post" is POST is the host's call.
            expected = Set(202, 405);
        }

        request.Method = method;
        return Make("method", method, request, method is "GET" or "HEAD" or "OPTIONS" or "TRACE" ? [] : body, expected);
    }

    private FuzzCase UnknownSource()
    {
        var source = Pick("nope", "%00", "a%2Fb", new string('s', 300), "fuzz%20", "%E9t%E9", "fuzz-", "_", "fuzz%00");
        var (request, body) = SignedPost(source, ValidJson());

        // Kestrel refuses an encoded NUL in the path (400, no body) before routing.
        var framing = source.Contains("%00", StringComparison.Ordinal);
        return Make("unknown-source", $"'{(source.Length > 40 ? source[..40] + "…" : source)}'", request, body, Set(404), framing: framing);
    }

    private FuzzCase SourceState()
    {
        var (source, status) = _random.Next(3) switch
        {
            0 => (FuzzSources.Locked, 423),
            1 => (FuzzSources.Suspended, 451),
            _ => (FuzzSources.Unpaid, 402),
        };
        var (request, body) = SignedPost(source, ValidJson());
        return Make("source-state", source, request, body, Set(status));
    }

    private FuzzCase RateLimited()
    {
        var (request, body) = SignedPost(FuzzSources.Limited, ValidJson());
        return Make("rate-limited", "2 per second", request, body, Set(202, 429));
    }

    private FuzzCase ApiKey()
    {
        var request = Post(FuzzSources.KeyedA);
        var body = ValidJson();
        var variant = _random.Next(5);
        (string Detail, IReadOnlySet<int> Expected) outcome;
        switch (variant)
        {
            case 0:
                request.Header("x-api-key", FuzzSources.KeyA);
                outcome = ("right key", Accepted);
                break;
            case 1:
                request.Header("x-api-key", FuzzSources.KeyB);
                outcome = ("another source's key", Set(403));
                break;
            case 2:
                outcome = ("no key", Unauthorized);
                break;
            case 3:
                request.Header("x-api-key", FuzzSources.KeyA[..^1]);
                outcome = ("key minus one character", Unauthorized);
                break;
            default:
                request.Header("x-api-key", FuzzSources.KeyA).Header("x-api-key", FuzzSources.KeyA);
                outcome = ("key sent twice", Set(401, 202));
                break;
        }

        return Make("api-key", outcome.Detail, request, body, outcome.Expected);
    }

    // ---- helpers ----

    private FuzzCase Make(string category, string detail, RequestBytes request, byte[] body, IReadOnlySet<int> expected, SendMode mode = SendMode.Whole, bool framing = false) =>
        new(_number, category, detail, request.Head(_host, body.Length), body, mode, expected, framing);

    private RequestBytes Post(string source) =>
        new RequestBytes($"/api/webhooks/{source}").Header("Content-Type", "application/json").Header("User-Agent", "webhooks-fuzz");

    private (RequestBytes Request, byte[] Body) SignedPost(string source, byte[] body, DateTimeOffset? timestamp = null)
    {
        var id = NewId();
        var at = timestamp ?? _clock.GetUtcNow();
        var request = Post(source);
        foreach (var (name, value) in StandardWebhooksSigner.CreateHeaders(FuzzSources.Secret, id, at, body))
        {
            request.Header(name, value);
        }

        return (request, body);
    }

    private static string SignLiteral(string id, string timestamp, byte[] body)
    {
        var key = StandardWebhooksSecret.DecodeKey(FuzzSources.Secret);
        using var hmac = new System.Security.Cryptography.HMACSHA256(key);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        return "v1," + Convert.ToBase64String(hmac.ComputeHash([.. prefix, .. body]));
    }

    private byte[] ValidJson() => Encoding.UTF8.GetBytes(
        $"{{\"type\":\"order.created\",\"data\":{{\"id\":\"ord_{_random.Next(1_000_000)}\",\"amount\":4200,\"tags\":[\"a\",\"b\"],\"note\":\"{new string('n', _random.Next(0, 512))}\"}}}}");

    private string NewId() => $"msg_fuzz_{_number}_{_random.Next():x}";

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(params T[] values) => values[_random.Next(values.Length)];

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Chunk(byte[] data, int size)
    {
        var output = new List<byte>(data.Length + 64);
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var length = Math.Min(size, data.Length - offset);
            output.AddRange(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            output.AddRange(data.AsSpan(offset, length).ToArray());
            output.AddRange("\r\n"u8.ToArray());
        }

        output.AddRange("0\r\n\r\n"u8.ToArray());
        return [.. output];
    }

    private static HashSet<int> Set(params int[] statuses) => [.. statuses];
}
