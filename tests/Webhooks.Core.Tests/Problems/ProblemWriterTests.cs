using System.Text.Json;
using Webhooks.Problems;

namespace Webhooks.Core.Tests.Problems;

public class ProblemWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    [Fact]
    public void Serialize_CarriesRfc9457AndSeedFields()
    {
        var problem = new Problem(404, ErrorCodes.NotFound, "No source named 'x' is configured.") { Entity = ProblemEntities.Source };

        using var doc = JsonDocument.Parse(ProblemWriter.Serialize(problem, "/api/webhooks/x", Now, "trace-1"));
        var root = doc.RootElement;

        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.5", root.GetProperty("type").GetString());
        Assert.Equal("Not Found", root.GetProperty("title").GetString());
        Assert.Equal(404, root.GetProperty("status").GetInt32());
        Assert.Equal("No source named 'x' is configured.", root.GetProperty("detail").GetString());
        Assert.Equal("/api/webhooks/x", root.GetProperty("instance").GetString());
        Assert.Equal("Not Found", root.GetProperty("error").GetString());
        Assert.Equal("notFound", root.GetProperty("errorCode").GetString());
        Assert.Equal("No source named 'x' is configured.", root.GetProperty("message").GetString());
        Assert.Equal("2026-03-04T05:06:07.890Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("/api/webhooks/x", root.GetProperty("path").GetString());
        Assert.Equal("SOURCE", root.GetProperty("metadata").GetProperty("entity").GetString());
        Assert.Equal("trace-1", root.GetProperty("traceId").GetString());
        Assert.False(root.TryGetProperty("errors", out _));
    }

    [Fact]
    public void Serialize_ListsEveryFieldError()
    {
        var problem = new Problem(422, ErrorCodes.InvalidArguments, "The given data was invalid.")
        {
            Errors = new Dictionary<string, string[]>
            {
                ["email"] = ["The email field is required.", "The email must be a string."],
                ["amount"] = ["The amount must be a number."],
            },
        };

        using var doc = JsonDocument.Parse(ProblemWriter.Serialize(problem, "/p", Now, null));
        var errors = doc.RootElement.GetProperty("errors");

        Assert.Equal(2, errors.GetProperty("email").GetArrayLength());
        Assert.Equal("The amount must be a number.", errors.GetProperty("amount")[0].GetString());
        Assert.False(doc.RootElement.TryGetProperty("traceId", out _));
        Assert.False(doc.RootElement.TryGetProperty("metadata", out _));
    }

    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(402, "Payment Required")]
    [InlineData(413, "Content Too Large")]
    [InlineData(423, "Locked")]
    [InlineData(429, "Too Many Requests")]
    [InlineData(451, "Unavailable For Legal Reasons")]
    [InlineData(503, "Service Unavailable")]
    public void TitleFor_GivesTheReasonPhrase(int status, string title) => Assert.Equal(title, ProblemWriter.TitleFor(status));
}
