using System.Net;
using System.Text.Json;
using Webhooks.Console.Tests.Infrastructure;

namespace Webhooks.Console.Tests;

/// <summary>The console's files and admin endpoints over plain HTTP against the real host.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleEndpointTests(ConsoleHost host)
{
    [Theory]
    [InlineData("console")]
    [InlineData("console/")]
    public async Task Console_RedirectsToTheApiConsole(string path)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseUri };
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/api/console/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ApiConsole_WithoutTrailingSlash_RedirectsSoRelativeLinksWork()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseUri };
        using var response = await client.GetAsync("api/console");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/api/console/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("api/console/", "text/html")]
    [InlineData("api/console/console.js", "text/javascript")]
    [InlineData("api/console/console.css", "text/css")]
    public async Task Assets_AreServedWithCspAndNoFraming(string path, string mediaType)
    {
        using var response = await host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Page_HasNoInlineScriptOrStyleAndNothingFromElsewhere()
    {
        var html = await host.Http.GetStringAsync("api/console/");

        Assert.Contains("<script src=\"console.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asset_Revalidated_Answers304()
    {
        using var first = await host.Http.GetAsync("api/console/console.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/console/console.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("api/console/missing.js")]
    [InlineData("api/console/../appsettings.json")]
    [InlineData("api/console/Console/assets/index.html")]
    public async Task UnknownAsset_Is404(string path)
    {
        using var response = await host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_ToTheConsole_Is405()
    {
        using var response = await host.Http.PostAsync("api/console/", new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("sources")]
    [InlineData("activity")]
    public async Task ConsoleEndpoints_WithoutKey_Are401ProblemsLikeTheRestOfTheApi(string path)
    {
        using var response = await host.Http.GetAsync("api/admin/" + path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("missingApiKey", problem.RootElement.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Body_WithoutKey_Is401()
    {
        using var response = await host.Http.GetAsync("api/admin/deadletters/anything/body");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Body_OfAnUnknownEntry_Is404Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/deadletters/no-such-delivery/body");
        request.Headers.Add("x-api-key", ConsoleHost.AdminKey);
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("DEAD_LETTER", problem.RootElement.GetProperty("metadata").GetProperty("entity").GetString());
    }

    [Fact]
    public async Task ConsoleEndpoints_WithAnotherKey_Are403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/manage/sources");
        request.Headers.Add("x-api-key", "not-the-admin-key");
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Sources_DescribeEachSourceWithoutAnySecret()
    {
        var body = await host.AdminGetAsync("sources");
        var text = body.GetRawText();

        var sources = body.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["members", "orders"], sources.Keys.Order());
        var members = sources["members"];
        Assert.Equal(new Uri(host.BaseUri, "api/webhooks/members").ToString(), members.GetProperty("intakeUrl").GetString());
        Assert.Equal("standard-webhooks", members.GetProperty("verification").GetString());
        Assert.Equal("active", members.GetProperty("state").GetString());
        Assert.Equal(1, members.GetProperty("secretCount").GetInt32());
        Assert.Equal("cloudevents", members.GetProperty("handshakes")[0].GetProperty("name").GetString());
        var orders = sources["orders"];
        Assert.Equal(20, orders.GetProperty("rateLimit").GetProperty("permitsPerSecond").GetDouble());
        Assert.Equal(new Uri(host.Orders.Url.GetLeftPart(UriPartial.Path)).ToString(), orders.GetProperty("target").GetProperty("url").GetString());
        Assert.DoesNotContain(ConsoleHost.MembersSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("orders-github-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("target-function-key", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_AnsweredThroughIntake_ShowsOnSources()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "api/webhooks/members");
        request.Headers.Add("WebHook-Request-Origin", "eventemitter.example.com");
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var body = await host.AdminGetAsync("sources");
        var members = body.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "members");
        Assert.True(members.GetProperty("handshakes")[0].TryGetProperty("lastAnsweredAt", out var at));
        Assert.True(at.GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }
}
