using System.Text;

namespace Webhooks.Harness.Fuzzing;

/// <summary>
/// The classes of input that once reached a 500 or an undocumented answer (issue 13, items 16–21): registration
/// handshake payloads, escaped lone surrogates, control and non-ASCII bytes, request smuggling shapes, odd HTTP
/// versions and methods, long request lines.
/// </summary>
public sealed partial class FuzzCorpus
{
    private const string EventGridValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";

    // ---- handshakes (the main source lists cloudevents, slack and event-grid) ----

    private FuzzCase HandshakePayload()
    {
        var variant = _random.Next(9);
        if (variant >= 7)
        {
            // CloudEvents OPTIONS whose origin would be echoed into a response header.
            var origin = Pick<byte[]>([0xC3, 0xA9], [0xE9], "a b"u8.ToArray(), [.. "x"u8, 0x7F], Encoding.ASCII.GetBytes(new string('o', 300)));
            var options = new RequestBytes($"/api/webhooks/{FuzzSources.Main}", "OPTIONS") { RawHeaderBytes = [.. "WebHook-Request-Origin: "u8, .. origin, .. "\r\n"u8] };
            var ascii = origin.All(b => b is >= 0x20 and < 0x7F);
            return Make("handshake-payload", $"cloudevents origin {Convert.ToHexString(origin[..Math.Min(8, origin.Length)])}", options, [], Set(400), framing: !ascii);
        }

        var (detail, json, eventGrid, expected) = variant switch
        {
            0 => ("slack type not a string", """{"type":1}""", false, Set(422)),
            1 => ("slack type an object", """{"type":{"a":1},"challenge":"c"}""", false, Set(422)),
            2 => ("slack lone-surrogate challenge", """{"type":"url_verification","challenge":"\ud800"}""", false, Set(422)),
            3 => ("slack url_verification", """{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}""", false, Set(200)),
            4 => ("event grid lone-surrogate code", $$$"""[{"id":"1","eventType":"{{{EventGridValidation}}}","data":{"validationCode":"\ud800"}}]""", true, Set(422)),
            5 => ("event grid lone-surrogate key", $$$"""[{"\ud800":1,"id":"1","eventType":"{{{EventGridValidation}}}","data":{"validationCode":"c0de"}}]""", true, Set(200)),
            _ => ("event grid code not a string", $$$"""[{"id":"1","eventType":"{{{EventGridValidation}}}","data":{"validationCode":7}}]""", true, Set(422)),
        };
        var (request, body) = SignedPost(FuzzSources.Main, Encoding.UTF8.GetBytes(json));
        if (eventGrid)
        {
            request.Header("aeg-event-type", "SubscriptionValidation");
        }

        return Make("handshake-payload", detail, request, body, expected);
    }

    // ---- escaped lone surrogates wherever sender JSON is read ----

    private FuzzCase LoneSurrogate()
    {
        var id = $"ord_{_random.Next(1_000_000)}";
        var (detail, json, expected) = _random.Next(6) switch
        {
            0 => ("key after the required fields", $$$"""{"type":"t","data":{"id":"{{{id}}}","key":"k"},"\ud800":1}""", Set(202, 200, 503)),
            1 => ("key before the required fields", $$$"""{"\udc00":1,"type":"t","data":{"id":"{{{id}}}"}}""", Set(202, 200, 503)),
            2 => ("nested key", $$$"""{"type":"t","data":{"\ud800\ud800":1,"id":"{{{id}}}"}}""", Set(202, 200, 503)),
            3 => ("required field value", $$$"""{"type":"\ud800","data":{"id":"{{{id}}}"}}""", Set(202, 200, 503)),
            4 => ("partition key value", $$$"""{"type":"t","data":{"id":"{{{id}}}","key":"\udfff"}}""", Set(202, 200, 503)),
            _ => ("the only key", """{"\ud800":"t"}""", Set(422)),
        };
        var (request, body) = SignedPost(FuzzSources.Main, Encoding.UTF8.GetBytes(json));
        return Make("lone-surrogate", detail, request, body, expected);
    }

    // ---- control and non-ASCII bytes in the body, path and headers ----

    private FuzzCase ControlAndNonAscii()
    {
        var variant = _random.Next(7);
        switch (variant)
        {
            case 0:
            case 1:
            {
                byte control = variant == 0 ? (byte)0x01 : (byte)0x1F;
                byte[] json = [.. """{"type":"a"""u8, control, .. """b","data":{"id":"x"}}"""u8];
                var (request, body) = SignedPost(FuzzSources.Main, json);
                return Make("control-and-non-ascii", $"raw 0x{control:X2} inside a string", request, body, Set(400));
            }

            case 2:
            {
                byte[] json = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($$$"""{"type":"t","data":{"id":"bom_{{{_random.Next()}}}"}}""")];
                var (request, body) = SignedPost(FuzzSources.Main, json);
                return Make("control-and-non-ascii", "byte-order mark before the JSON", request, body, Set(202, 200, 503));
            }

            case 3:
            {
                var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
                request.Path = $"/api/webhooks/{FuzzSources.Main}\u00e9";
                return Make("control-and-non-ascii", "non-ASCII byte in the path", request, body, Set(404), framing: true);
            }

            case 4:
            {
                var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
                request.RawHeaderBytes = [.. "X-Note: "u8, 0xC3, 0xA9, .. "\r\n"u8];
                return Make("control-and-non-ascii", "UTF-8 in a header value", request, body, Set(202, 200, 503), framing: true);
            }

            case 5:
            {
                var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
                request.RawHeaderBytes = [.. "Content-Type: application/json"u8, 0x0B, .. "\r\n"u8];
                request.Without("Content-Type");
                return Make("control-and-non-ascii", "vertical tab in Content-Type", request, body, Set(415), framing: true);
            }

            default:
            {
                var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
                request.Path += "?validationToken=%FF%FE";
                return Make("control-and-non-ascii", "invalid UTF-8 in the query", request, body, Set(202, 200, 503));
            }
        }
    }

    // ---- request smuggling shapes: framing the front end and we might read differently ----

    private FuzzCase Smuggling()
    {
        var (request, json) = SignedPost(FuzzSources.Main, ValidJson());
        var chunked = Chunk(json, 64);
        var variant = _random.Next(6);
        (string Detail, byte[] Body) shape;
        switch (variant)
        {
            case 0:
                request.Header("Transfer-Encoding", "chunked");
                request.RawHeaderBytes = Encoding.ASCII.GetBytes($"Content-Length: {json.Length}\r\n");
                shape = ("Content-Length and chunked together", chunked);
                break;
            case 1:
                request.DeclaredLength = -1;
                request.RawHeaderBytes = Encoding.ASCII.GetBytes($"Content-Length: {json.Length}\r\nContent-Length: {json.Length + 1}\r\n");
                shape = ("two different Content-Lengths", json);
                break;
            case 2:
                request.Header("Transfer-Encoding", "chunked, identity");
                shape = ("chunked not last", chunked);
                break;
            case 3:
                request.Header("Transfer-Encoding", "xchunked");
                shape = ("unknown coding", chunked);
                break;
            case 4:
                request.DeclaredLength = -1;
                request.RawHeaderBytes = Encoding.ASCII.GetBytes($"Content-Length: +{json.Length}\r\n");
                shape = ("signed Content-Length", json);
                break;
            default:
                request.Header("Transfer-Encoding", "chunked");
                byte[] smuggled = [.. chunked, .. "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"u8];
                shape = ("a second request after the last chunk", smuggled);
                break;
        }

        return Make("smuggling", shape.Detail, request, shape.Body, Set(400, 401, 202, 200, 503), framing: true);
    }

    // ---- request lines Kestrel judges before the app ----

    private FuzzCase OddVersionOrMethod()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var variant = _random.Next(7);
        switch (variant)
        {
            case 0:
            case 1:
            case 2:
            case 3:
                request.Version = Pick("http/1.1", "HTTP/2.0", "HTTP/1.2", "HTTP/3", "HTTP/1.1x");
                return Make("odd-version-or-method", $"version '{request.Version}'", request, body, Set(505, 400), framing: true);
            case 4:
                request.Method = Pick("PROPFIND", "BREW", "M-SEARCH", "CONNECT");
                return Make("odd-version-or-method", $"method {request.Method}", request, body, Set(405, 400), framing: request.Method == "CONNECT");
            case 5:
                request.Version = "HTTP/1.0";
                return Make("odd-version-or-method", "HTTP/1.0", request, body, Set(202, 200, 503));
            default:
                request.Method = "POST\t";
                return Make("odd-version-or-method", "tab after the method", request, body, Set(400), framing: true);
        }
    }

    private FuzzCase LongRequestLine()
    {
        var (request, body) = SignedPost(FuzzSources.Main, ValidJson());
        var length = Pick(8 * 1024 + 1, 16 * 1024, 64 * 1024);
        request.Path = $"/api/webhooks/{FuzzSources.Main}?pad={new string('p', length)}";
        return Make("long-request-line", $"{length} byte query", request, body, Set(414), framing: true);
    }
}
