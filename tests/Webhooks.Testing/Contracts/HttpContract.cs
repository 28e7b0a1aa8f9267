using System.Text;
using System.Text.Json;
using Webhooks.Verification;
using Xunit;

namespace Webhooks.Testing.Contracts;

/// <summary>
/// The HTTP contract both hosts (Kestrel and the Functions app) must keep: one configuration, one table of requests
/// and the answers they must get, and one way to check an answer. Each host's test class sends every case its own
/// way and calls <see cref="AssertAnswer"/>, so the two cannot drift apart silently.
/// </summary>
public static class HttpContract
{
    /// <summary>The Standard Webhooks secret of the contract's <c>shop</c> source.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// <summary>The admin key the contract configures.</summary>
    public const string AdminKey = "contract-admin-key";

    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";

    private static readonly IReadOnlyList<HttpContractCase> All =
    [
        Case("intake_unknown_source_404", _ => Post("/api/webhooks/nope", "{}"), new(404, "notFound")),
        Case("intake_get_405_with_allow", _ => Request("GET", "/api/webhooks/shop"), new(405, "methodNotAllowed", Headers("Allow", "POST"))),
        Case("intake_put_405_with_allow", _ => Request("PUT", "/api/webhooks/shop", Encoding.UTF8.GetBytes("{}"), Json), new(405, "methodNotAllowed", Headers("Allow", "POST"))),
        Case("intake_text_plain_415", _ => Request("POST", "/api/webhooks/shop", Encoding.UTF8.GetBytes("{}"), "text/plain"), new(415, "unsupportedMediaType")),
        Case("intake_accept_html_406", _ => Post("/api/webhooks/shop", "{}", ("Accept", "text/html")), new(406, "notAcceptable")),
        Case("intake_unsigned_401", _ => Post("/api/webhooks/shop", "{\"type\":\"t\"}"), new(401, "missingSignature")),
        Case("intake_wrong_secret_401", now => Signed("{\"type\":\"t\"}", now, "whsec_dGhpcy1pcy1ub3QtdGhlLXNlY3JldA=="), new(401, "invalidSignature")),
        Case("intake_stale_timestamp_401", now => Signed("{\"type\":\"t\"}", now.AddMinutes(-10)), new(401, "timestampOutOfWindow")),
        Case("intake_malformed_json_400", now => Signed("{\"type\":", now), new(400, "invalidJson", ErrorFields: ["body"])),
        Case("intake_missing_field_422", now => Signed("{\"data\":{}}", now), new(422, "invalidArguments", ErrorFields: ["type"])),
        Case("intake_signed_202", now => Signed("{\"type\":\"order.created\"}", now), new(202, null, BodyStatus: "accepted")),
        Case("health_get_200", _ => Request("GET", "/api/health"), new(200, null, Headers("Cache-Control", "no-store"), BodyStatus: "healthy")),
        Case("health_post_405_with_allow", _ => Request("POST", "/api/health", Encoding.UTF8.GetBytes("{}"), Json), new(405, "methodNotAllowed", Headers("Allow", "GET, HEAD"))),
        Case("admin_no_key_401", _ => Request("GET", "/api/manage/queues"), new(401, "missingApiKey")),
        Case("admin_wrong_key_403", _ => Request("GET", "/api/manage/queues", headers: [("x-api-key", "not-the-key")]), new(403, null)),
        Case("admin_put_405_with_allow", _ => Request("PUT", "/api/manage/queues", headers: [("x-api-key", AdminKey)]), new(405, "methodNotAllowed", Headers("Allow", "GET"))),
        Case("console_post_405_with_allow", _ => Request("POST", "/api/console/", Encoding.UTF8.GetBytes("{}"), Json), new(405, "methodNotAllowed", Headers("Allow", "GET, HEAD"))),
        Case("admin_unknown_path_404", _ => Request("GET", "/api/manage/nothing-here", headers: [("x-api-key", AdminKey)]), new(404, "notFound")),
    ];

    /// <summary>Case names, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> CaseNames => [.. All.Select(c => c.Name)];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static HttpContractCase Get(string name) => All.Single(c => c.Name == name);

    /// <summary>
    /// The configuration both hosts run the contract with: the <c>shop</c> source (Standard Webhooks, a required
    /// <c>type</c>), the admin key, the given storage and delivery queue, workers off.
    /// </summary>
    public static Dictionary<string, string?> Settings(string storageConnectionString, string deliveriesQueue) => new()
    {
        ["AzureWebJobsStorage"] = storageConnectionString,
        ["Webhooks:Queues:Deliveries"] = deliveriesQueue,
        ["Webhooks:Queues:DeadLetter"] = deliveriesQueue + "-dlq",
        ["Webhooks:Queues:Payloads"] = deliveriesQueue + "-payloads",
        ["Webhooks:Delivery:Enabled"] = "false",
        ["Webhooks:Intake:QueueWriteTimeout"] = "00:00:05",
        ["Webhooks:Admin:ApiKeys:0"] = AdminKey,
        ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
        ["Webhooks:Sources:shop:Secrets:0"] = Secret,
        ["Webhooks:Sources:shop:Validation:RequiredFields:type"] = "string",
        ["Webhooks:Sources:shop:Target:Url"] = "http://127.0.0.1:9/unused",
    };

    /// <summary>Checks <paramref name="answer"/> against the case's expectation, field by field.</summary>
    public static void AssertAnswer(HttpContractCase contractCase, ContractAnswer answer)
    {
        var expected = contractCase.Expected;
        Assert.True(expected.Status == answer.Status, $"{contractCase.Name}: expected {expected.Status}, got {answer.Status}: {Encoding.UTF8.GetString(answer.Body)}");
        foreach (var (name, value) in expected.Headers ?? new Dictionary<string, string>())
        {
            Assert.Equal(value, answer.Header(name));
        }

        using var body = JsonDocument.Parse(answer.Body);
        if (expected.Status >= 400)
        {
            Assert.StartsWith(ProblemJson, answer.ContentType);
            var root = body.RootElement;
            Assert.Equal(expected.Status, root.GetProperty("status").GetInt32());
            if (expected.ErrorCode is not null)
            {
                Assert.Equal(expected.ErrorCode, root.GetProperty("errorCode").GetString());
            }

            Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
            Assert.Equal(contractCase.Build(DateTimeOffset.UtcNow).Path, root.GetProperty("instance").GetString());
            foreach (var field in expected.ErrorFields ?? [])
            {
                Assert.True(root.GetProperty("errors").TryGetProperty(field, out _), $"{contractCase.Name}: errors lacks '{field}'");
            }
        }
        else
        {
            Assert.StartsWith(Json, answer.ContentType);
            if (expected.BodyStatus is not null)
            {
                Assert.Equal(expected.BodyStatus, body.RootElement.GetProperty("status").GetString());
            }
        }
    }

    private static HttpContractCase Case(string name, Func<DateTimeOffset, ContractRequest> build, ContractExpectation expected) => new(name, build, expected);

    private static Dictionary<string, string> Headers(string name, string value) => new() { [name] = value };

    private static ContractRequest Post(string path, string json, params (string Name, string Value)[] headers) =>
        Request("POST", path, Encoding.UTF8.GetBytes(json), Json, headers);

    private static ContractRequest Signed(string json, DateTimeOffset timestamp, string secret = Secret)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var signature = StandardWebhooksSigner.CreateHeaders(secret, id, timestamp, bytes).Select(h => (h.Key, h.Value)).ToArray();
        return Request("POST", "/api/webhooks/shop", bytes, Json, signature);
    }

    private static ContractRequest Request(string method, string path, byte[]? body = null, string? contentType = null, params (string Name, string Value)[] headers)
    {
        var all = headers.Select(h => KeyValuePair.Create(h.Name, h.Value)).ToList();
        if (contentType is not null)
        {
            all.Add(KeyValuePair.Create("Content-Type", contentType));
        }

        return new ContractRequest(method, path, all, body);
    }
}
