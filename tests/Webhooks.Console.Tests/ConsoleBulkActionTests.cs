using System.Net;
using System.Text;
using Microsoft.Playwright;
using Webhooks.Console.Tests.Infrastructure;
using Webhooks.Testing.Targets;

namespace Webhooks.Console.Tests;

/// <summary>
/// Large bodies and the filtered bulk actions, in the browser against a host of their own (so the walkthrough's
/// counts stay exact).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleBulkActionTests(ConsoleBrowser browser)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task LargeBody_IsCutOnThePage_AndDownloadsWhole_ThenFilteredBulkReplayAndPurge()
    {
        var host = new ConsoleHost();
        await host.InitializeAsync();
        try
        {
            var padding = new string('x', 100_000);
            var largeBody = $"{{\"action\":\"created\",\"order\":{{\"id\":7,\"note\":\"{padding}\"}}}}";
            Assert.Equal(HttpStatusCode.Accepted, await host.SendToOrdersAsync("order-large-1", largeBody));
            Assert.Equal(HttpStatusCode.Accepted, await host.SendToMembersAsync("evt_member_bulk", "{\"type\":\"member.created\",\"email\":\"bo@example.com\"}"));
            await host.WaitForDeadLettersAsync(2, Patience);

            var page = await browser.NewPageAsync();
            var calls = RecordApiCalls(page);
            await page.GotoAsync(new Uri(host.BaseUri, "api/console/").ToString());
            await page.GetByLabel("Admin API key").FillAsync(ConsoleHost.AdminKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters", Exact = true }).First.ClickAsync();

            // The large body: cut on the page, whole in the download.
            var rows = page.Locator("table tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await rows.Filter(new() { HasText = "orders" }).GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(page.GetByText("Showing the first 65,536 of 100,047 bytes")).ToBeVisibleAsync();
            var shown = await page.Locator("pre[aria-label='Delivery body']").TextContentAsync();
            Assert.Equal(largeBody[..(64 * 1024)], shown);
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the whole body" }).ClickAsync());
            Assert.Equal("order-large-1.json", download.SuggestedFilename);
            var saved = Path.Combine(Path.GetTempPath(), "console-download-" + Guid.NewGuid().ToString("N") + ".json");
            await download.SaveAsAsync(saved);
            Assert.Equal(largeBody, await File.ReadAllTextAsync(saved, Encoding.UTF8));
            File.Delete(saved);

            // The same body over HTTP: an attachment never rendered, a prefix on request.
            using (var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/deadletters/order-large-1/body"))
            {
                request.Headers.Add("x-api-key", ConsoleHost.AdminKey);
                request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 9);
                using var response = await host.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
                Assert.Equal("bytes 0-9/100047", response.Content.Headers.ContentRange?.ToString());
                Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
                Assert.Equal("application/json", Assert.Single(response.Headers.GetValues("X-Delivery-Content-Type")));
                Assert.Equal(largeBody[..10], await response.Content.ReadAsStringAsync());
            }

            // Replay everything matching source=members: the dry run counts it, the confirmation names the filter.
            host.Members.Default = TargetReply.Of(200);
            await page.GetByRole(AriaRole.Link, new() { Name = "← All dead letters" }).ClickAsync();
            await page.GetByLabel("Source").SelectOptionAsync("members");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay all matching…" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await ExpectDialogAsync(dialog, "1 dead letter(s) matching source = members", calls, host);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Replay 1" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed 1 of 1.");
            var delivered = await host.Members.WaitForAnsweredAsync(2, Patience);
            Assert.Equal(200, delivered[^1].Reply.Status);

            // Cancelling a purge deletes nothing; confirming deletes what the filter matched.
            await page.GetByLabel("Source").SelectOptionAsync("orders");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Purge all matching…" }).ClickAsync();
            await ExpectDialogAsync(dialog, "1 dead letter(s) matching source = orders will be deleted for good.", calls, host);
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(dialog).ToBeHiddenAsync();
            Assert.Equal(1, (await host.AdminGetAsync("deadletters?take=1")).GetProperty("total").GetInt32());
            await page.GetByRole(AriaRole.Button, new() { Name = "Purge all matching…" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Purge 1" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Purged 1 of 1.");
            Assert.Equal(0, (await host.AdminGetAsync("deadletters?take=1")).GetProperty("total").GetInt32());
            await page.CloseAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    // Each API call the page made, with its answer: what a missing dialog's failure shows (a flake seen once, under load).
    private static List<string> RecordApiCalls(IPage page)
    {
        var calls = new List<string>();
        var started = DateTime.UtcNow;
        void Add(string line)
        {
            lock (calls)
            {
                calls.Add($"+{(DateTime.UtcNow - started).TotalSeconds:F1}s {line}");
            }
        }

        page.Response += (_, response) => Add($"{response.Request.Method} {new Uri(response.Url).PathAndQuery} → {response.Status}");
        page.RequestFailed += (_, request) => Add($"{request.Method} {new Uri(request.Url).PathAndQuery} failed: {request.Failure}");
        return calls;
    }

    // The confirmation follows a dry-run count: allow the suite's patience, and say what the page and host did if it never comes.
    private static async Task ExpectDialogAsync(ILocator dialog, string text, List<string> calls, ConsoleHost host)
    {
        try
        {
            await Assertions.Expect(dialog).ToContainTextAsync(text, new() { Timeout = (float)Patience.TotalMilliseconds });
        }
        catch (PlaywrightException ex)
        {
            string[] made;
            lock (calls)
            {
                made = [.. calls.TakeLast(20)];
            }

            var problems = host.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(20);
            throw new Xunit.Sdk.XunitException(
                $"{ex.Message}\nThe page's last API calls:\n  {string.Join("\n  ", made)}\nThe host's last warnings and errors:\n  {string.Join("\n  ", problems)}");
        }
    }
}
