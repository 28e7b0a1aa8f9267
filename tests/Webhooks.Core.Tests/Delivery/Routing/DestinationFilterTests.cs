using System.Text;
using Webhooks.Delivery.Routing;

namespace Webhooks.Core.Tests.Delivery.Routing;

public class DestinationFilterTests
{
    private const string Invoice = """{"type":"invoice.paid","livemode":false,"amount":1250,"ratio":1.5,"data":{"object":{"status":"paid","lines":[1,2],"meta":{"a":1},"note":null}}}""";
    private static readonly Dictionary<string, string> NoHeaders = new(StringComparer.OrdinalIgnoreCase);

    [Theory]
    [InlineData("type", "invoice.paid", true)]
    [InlineData("type", "invoice.created", false)]
    [InlineData("type", "invoice.*", true)]
    [InlineData("type", "customer.*", false)]
    [InlineData("type", "*", true)]
    [InlineData("type", "Invoice.paid", false)] // ordinal
    [InlineData("type", "customer.created, invoice.paid", true)]
    [InlineData("type", "customer.*,invoice.*", true)]
    [InlineData("data.object.status", "paid,void", true)]
    [InlineData("data.object.status", "void,open", false)]
    [InlineData("amount", "1250", true)]
    [InlineData("amount", "12*", true)]
    [InlineData("ratio", "1.5", true)]
    [InlineData("livemode", "false", true)]
    [InlineData("livemode", "true", false)]
    [InlineData("data.object.lines", "*", false)] // arrays never match a value
    [InlineData("data.object.meta", "*", false)] // nor objects
    [InlineData("data.object.note", "*", false)] // nor null
    [InlineData("data.object.missing", "*", false)]
    [InlineData("type.deeper", "*", false)]
    public void PathEntry_MatchesTheJsonTextOfScalarsOnly(string path, string pattern, bool expected)
    {
        var filter = DestinationFilter.Compile(new Dictionary<string, string> { [path] = pattern });

        Assert.Equal(expected, filter.Matches(Fields(Invoice, filter), NoHeaders));
    }

    [Fact]
    public void EveryEntry_MustMatch()
    {
        var filter = DestinationFilter.Compile(new Dictionary<string, string> { ["type"] = "invoice.*", ["data.object.status"] = "void" });

        Assert.False(filter.Matches(Fields(Invoice, filter), NoHeaders));
        Assert.True(filter.Matches(Fields("""{"type":"invoice.voided","data":{"object":{"status":"void"}}}""", filter), NoHeaders));
    }

    [Fact]
    public void HeaderEntry_MatchesTheKeptHeader_NameCaseInsensitive()
    {
        var filter = DestinationFilter.Compile(new Dictionary<string, string> { ["header:X-GitHub-Event"] = "push,pull_request" });
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["x-github-event"] = "push" };

        Assert.True(filter.Matches(null, headers));
        Assert.False(filter.Matches(null, new Dictionary<string, string> { ["x-github-event"] = "issues" }));
        Assert.False(filter.Matches(null, NoHeaders));
        Assert.False(filter.NeedsBody);
    }

    [Fact]
    public void BodyThatIsNotJson_MatchesOnlyHeaderOnlyFilters()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-event"] = "ping" };
        var byHeader = DestinationFilter.Compile(new Dictionary<string, string> { ["header:X-Event"] = "ping" });
        var byPath = DestinationFilter.Compile(new Dictionary<string, string> { ["type"] = "*" });

        Assert.True(byHeader.Matches(null, headers));
        Assert.False(byPath.Matches(null, headers));
        Assert.True(byPath.NeedsBody);
    }

    [Fact]
    public void EmptyFilter_TakesEverything_WithoutTheBody()
    {
        var filter = DestinationFilter.Compile(new Dictionary<string, string>());

        Assert.True(filter.MatchesEverything);
        Assert.False(filter.NeedsBody);
        Assert.True(filter.Matches(null, NoHeaders));
    }

    [Theory]
    [InlineData("data..status", "paid", "no empty segments")]
    [InlineData(".type", "paid", "no empty segments")]
    [InlineData("type.", "paid", "no empty segments")]
    [InlineData(" ", "paid", "dotted JSON path")]
    [InlineData("header:", "push", "header name")]
    [InlineData("header: ", "push", "header name")]
    [InlineData("header:X Event", "push", "header name")]
    [InlineData("type", "", "needs a value")]
    [InlineData("type", "  ", "needs a value")]
    [InlineData("type", "a,,b", "empty item")]
    [InlineData("type", "a,", "empty item")]
    [InlineData("type", "*.paid", "only at the end")]
    [InlineData("type", "in*voice", "only at the end")]
    [InlineData("type", "invoice.**", "only at the end")]
    public void BadEntry_IsRefused_NamingTheKey_AndNeverMatches(string key, string value, string problem)
    {
        var entries = new Dictionary<string, string> { [key] = value };

        var problems = DestinationFilter.Validate(entries);

        var line = Assert.Single(problems);
        Assert.StartsWith(key, line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        var compiled = DestinationFilter.Compile(entries);
        Assert.False(compiled.Matches(Fields(Invoice, compiled), new Dictionary<string, string> { ["x event"] = "push" }));
    }

    [Fact]
    public void GoodEntries_PassValidation()
    {
        Assert.Empty(DestinationFilter.Validate(new Dictionary<string, string>
        {
            ["type"] = "invoice.*", ["data.object.status"] = "paid, void", ["header:X-GitHub-Event"] = "push", ["amount"] = "*",
        }));
    }

    [Fact]
    public void Summary_NamesEachEntry_AndARefusedOneAsInvalid()
    {
        var filter = DestinationFilter.Compile(new Dictionary<string, string> { ["type"] = "invoice.*, customer.created", ["header:X-Event"] = "ping", ["data..id"] = "1" });

        Assert.Equal("type=invoice.*,customer.created; header:X-Event=ping; data..id=(invalid)", filter.Summary);
        Assert.Equal("everything", DestinationFilter.Compile(null).Summary);
    }

    private static JsonFields? Fields(string json, DestinationFilter filter) => JsonFields.Read(Encoding.UTF8.GetBytes(json), filter.Paths);
}
