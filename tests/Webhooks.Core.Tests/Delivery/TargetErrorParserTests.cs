using Webhooks.Delivery;

namespace Webhooks.Core.Tests.Delivery;

public class TargetErrorParserTests
{
    [Fact]
    public void Seed004Body_IsReadAsEgymWithCodeMessageAndEntity()
    {
        const string body = """
            {
              "timestamp": "2023-04-11T14:35:48.499+0000",
              "path": "/api/v2/accounts",
              "status": 404,
              "error": "Not Found",
              "errorCode": "notFound",
              "message": "User's chain profile was not found.",
              "metadata": {
                "entity": "CHAIN_PROFILE"
              }
            }
            """;

        var error = TargetErrorParser.Parse(404, "application/json", body);

        Assert.Equal(TargetErrorDialects.Egym, error.Dialect);
        Assert.Equal("notFound", error.ErrorCode);
        Assert.Equal("User's chain profile was not found.", error.Message);
        Assert.Equal("CHAIN_PROFILE", error.Entity);
        Assert.Null(error.Errors);
        Assert.Equal("404 notFound: User's chain profile was not found.", error.Summary);
    }

    [Fact]
    public void Seed004Conflict_SummaryReadsLikeTheIssueSays()
    {
        const string body = """{"timestamp":"2026-01-01T00:00:00.000+0000","path":"/api/v2/members","status":409,"error":"Conflict","errorCode":"userEmailConflict","message":"The email is already used within your gym or chain"}""";

        var error = TargetErrorParser.Parse(409, "application/json", body);

        Assert.Equal("409 userEmailConflict: The email is already used within your gym or chain", error.Summary);
    }

    [Fact]
    public void Seed004InvalidArguments_KeepsFieldErrors()
    {
        const string body = """{"status":400,"error":"Bad Request","errorCode":"invalidArguments","message":"Invalid arguments","errors":{"email":["must be a well-formed email address"]}}""";

        var error = TargetErrorParser.Parse(400, "application/json", body);

        Assert.Equal(TargetErrorDialects.Egym, error.Dialect);
        Assert.Equal("invalidArguments", error.ErrorCode);
        Assert.Equal(["must be a well-formed email address"], error.Errors!["email"]);
    }

    [Fact]
    public void Seed002ValidationBody_IsReadWithEveryFieldMessage()
    {
        const string body = """
            {
              "message": "The given data was invalid.",
              "errors": {
                "email": ["The email field is required.", "The email must be a valid email address."],
                "amount": ["The amount must be greater than 0."]
              }
            }
            """;

        var error = TargetErrorParser.Parse(422, "application/json", body);

        Assert.Equal(TargetErrorDialects.Validation, error.Dialect);
        Assert.Null(error.ErrorCode);
        Assert.Equal("The given data was invalid.", error.Message);
        Assert.Equal(["The email field is required.", "The email must be a valid email address."], error.Errors!["email"]);
        Assert.Equal(["The amount must be greater than 0."], error.Errors["amount"]);
        Assert.Equal("422: The given data was invalid. [email: The email field is required.; amount: The amount must be greater than 0.]", error.Summary);
    }

    [Fact]
    public void ProblemDetails_WithExtensions_IsReadAsProblem()
    {
        const string body = """
            {
              "type": "https://example.com/probs/out-of-credit",
              "title": "You do not have enough credit.",
              "status": 403,
              "detail": "Your current balance is 30, but that costs 50.",
              "instance": "/account/12345/msgs/abc",
              "balance": 30
            }
            """;

        var error = TargetErrorParser.Parse(403, "application/problem+json", body);

        Assert.Equal(TargetErrorDialects.Problem, error.Dialect);
        Assert.Equal("https://example.com/probs/out-of-credit", error.ErrorCode);
        Assert.Equal("Your current balance is 30, but that costs 50.", error.Message);
        Assert.Equal("403 https://example.com/probs/out-of-credit: Your current balance is 30, but that costs 50.", error.Summary);
    }

    [Fact]
    public void ProblemDetails_AsOurOwnIntakeWritesThem_PrefersErrorCodeOverTheRfcTypeLink()
    {
        const string body = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.21","title":"Unprocessable Content","status":422,
             "detail":"The body is missing required fields.","instance":"/api/webhooks/shop","error":"Unprocessable Content",
             "errorCode":"invalidArguments","message":"The body is missing required fields.",
             "errors":{"data.id":["Required."]},"metadata":{"entity":"SOURCE"}}
            """;

        var error = TargetErrorParser.Parse(422, "application/problem+json; charset=utf-8", body);

        Assert.Equal(TargetErrorDialects.Problem, error.Dialect);
        Assert.Equal("invalidArguments", error.ErrorCode);
        Assert.Equal("The body is missing required fields.", error.Message);
        Assert.Equal(["Required."], error.Errors!["data.id"]);
        Assert.Equal("SOURCE", error.Entity);
    }

    [Fact]
    public void ProblemDetails_Rfc9457ErrorsArray_IsKeyedByPointer()
    {
        const string body = """
            {"type":"https://example.net/validation-error","title":"Your request is not valid.",
             "errors":[{"detail":"must be a positive integer","pointer":"#/age"},{"detail":"must be 'green', 'red' or 'blue'","pointer":"#/profile/color"}]}
            """;

        var error = TargetErrorParser.Parse(422, "application/problem+json", body);

        Assert.Equal(["must be a positive integer"], error.Errors!["#/age"]);
        Assert.Equal(["must be 'green', 'red' or 'blue'"], error.Errors["#/profile/color"]);
        Assert.Equal("Your request is not valid.", error.Message);
    }

    [Fact]
    public void ProblemDetails_OnlyAboutBlankAndTitle_HasNoCode()
    {
        var error = TargetErrorParser.Parse(404, null, """{"type":"about:blank","title":"Not Found","status":404}""");

        Assert.Equal(TargetErrorDialects.Problem, error.Dialect);
        Assert.Null(error.ErrorCode);
        Assert.Equal("404: Not Found", error.Summary);
    }

    [Theory]
    [InlineData("""{"error":"invalid_token","error_description":"The access token expired"}""", "invalid_token", "The access token expired")]
    [InlineData("""{"error":{"code":"RateLimited","message":"Slow down"}}""", "RateLimited", "Slow down")]
    [InlineData("""{"code":"E42","message":"Nope"}""", "E42", "Nope")]
    [InlineData("""{"message":"Something broke"}""", null, "Something broke")]
    [InlineData("""{"error":"Service down"}""", null, "Service down")]
    public void OtherJsonShapes_YieldCodeAndMessage(string body, string? code, string message)
    {
        var error = TargetErrorParser.Parse(500, "application/json", body);

        Assert.Equal(TargetErrorDialects.Json, error.Dialect);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void PlainText_IsTheMessageOnOneLine()
    {
        var error = TargetErrorParser.Parse(500, "text/plain", "We had a problem with our server.\r\nTry again later.\n");

        Assert.Equal(TargetErrorDialects.Text, error.Dialect);
        Assert.Equal("We had a problem with our server. Try again later.", error.Message);
        Assert.Equal("500: We had a problem with our server. Try again later.", error.Summary);
    }

    [Fact]
    public void HtmlErrorPage_IsReducedToItsTitle()
    {
        const string html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";

        var error = TargetErrorParser.Parse(502, "text/html", html);

        Assert.Equal(TargetErrorDialects.Text, error.Dialect);
        Assert.Equal("502 Bad Gateway", error.Message);
    }

    [Fact]
    public void HtmlWithoutTitle_IsTagFreeText()
    {
        var error = TargetErrorParser.Parse(503, "text/html", "<body><script>var x = 1;</script><p>Down for <b>maintenance</b> &amp; upgrades</p></body>");

        Assert.Equal("Down for maintenance & upgrades", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyBody_SummaryIsTheStatusAndItsReason(string? body)
    {
        var error = TargetErrorParser.Parse(401, null, body);

        Assert.Equal(TargetErrorDialects.Text, error.Dialect);
        Assert.Null(error.Message);
        Assert.Equal("401 Unauthorized", error.Summary);
    }

    [Theory]
    [InlineData("""{"message": "cut sho""")]
    [InlineData("{{{{")]
    [InlineData("{\"a\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "]")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"status\": 500}")]
    public void BrokenOrUnusualJson_FallsBackToTextWithoutThrowing(string body)
    {
        var error = TargetErrorParser.Parse(500, "application/json", body);

        Assert.Equal(TargetErrorDialects.Text, error.Dialect);
        Assert.Equal(body.Trim(), error.Message);
        Assert.StartsWith("500", error.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeMessage_IsBoundedInMessageAndSummary()
    {
        var body = $$"""{"errorCode":"tooLong","message":"{{new string('x', 10_000)}}"}""";

        var error = TargetErrorParser.Parse(400, "application/json", body);

        Assert.Equal(TargetErrorParser.MaxMessageLength, error.Message!.Length);
        Assert.Equal(TargetErrorParser.MaxSummaryLength, error.Summary!.Length);
        Assert.EndsWith("…", error.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyFieldErrors_AreBounded()
    {
        var fields = string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"f{i}\":[{string.Join(",", Enumerable.Range(0, 30).Select(j => $"\"m{j}\""))}]"));

        var error = TargetErrorParser.Parse(422, "application/json", "{\"message\":\"bad\",\"errors\":{" + fields + "}}");

        Assert.Equal(50, error.Errors!.Count);
        Assert.All(error.Errors.Values, messages => Assert.Equal(10, messages.Length));
    }
}
