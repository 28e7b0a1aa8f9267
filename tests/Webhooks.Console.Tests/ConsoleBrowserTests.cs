using System.Net;
using Microsoft.Playwright;
using Webhooks.Console.Tests.Infrastructure;
using Webhooks.Testing.Targets;

namespace Webhooks.Console.Tests;

/// <summary>
/// The console in Debian's chromium against the real host: dead letters made by real failing targets through real
/// intake and the host's own delivery worker, then an operator's session from sign-in to replay and purge.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleBrowserTests(ConsoleHost host, ConsoleBrowser browser)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Uri ConsoleUri => new(host.BaseUri, "console");

    [Fact]
    public async Task SignIn_WithAnotherKey_ShowsTheApis403AndKeepsTheKeyOutOfTheUrl()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(ConsoleUri.ToString());

        await page.GetByLabel("Admin API key").FillAsync("not-an-admin-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("403: This endpoint is for administrators only.");
        Assert.DoesNotContain("not-an-admin-key", page.Url, StringComparison.Ordinal);
        Assert.False(await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).IsVisibleAsync());
        await page.CloseAsync();
    }

    [Fact]
    public async Task Operator_SignsIn_FiltersOpensReplaysAndPurgesDeadLetters()
    {
        // Two real failures: members' target first answers 503 (retried), then seed 004's 409; orders' answers seed 002's 422.
        host.Members.Enqueue(TargetReply.Of(503));
        Assert.Equal(HttpStatusCode.Accepted, await host.SendToMembersAsync("evt_member_1", "{\"type\":\"member.created\",\"email\":\"ana@example.com\",\"name\":\"Ana\"}"));
        Assert.Equal(HttpStatusCode.Accepted, await host.SendToOrdersAsync("order-delivery-1", "{\"action\":\"created\",\"order\":{\"id\":1001,\"amount\":0}}"));
        await host.WaitForDeadLettersAsync(2, Patience);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(ConsoleUri.ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.EndsWith("/api/console/", page.Url, StringComparison.Ordinal);
        await PageChecks.AssertAccessibleAsync(page, "Sign-in");
        await PageChecks.ScreenshotAsync(page, "sign-in");

        // Sign in with the keyboard alone: the key field has focus, Enter submits.
        await Assertions.Expect(page.GetByLabel("Admin API key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ConsoleHost.AdminKey);
        await page.Keyboard.PressAsync("Enter");

        // Overview: depths, the last hour's counts (one retry, two dead letters), no paused target.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".card", new() { HasText = "Dead letters" }).Locator(".value")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator(".legend")).ToContainTextAsync("Retried: 1");
        await Assertions.Expect(page.Locator(".legend")).ToContainTextAsync("Dead-lettered: 2");
        await PageChecks.AssertAccessibleAsync(page, "Overview");
        await PageChecks.ScreenshotAsync(page, "overview");

        // Dead letters: both listed; filtering by source leaves the members one with the target's errorCode.
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters", Exact = true }).First.ClickAsync();
        var rows = page.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await page.GetByLabel("Source").SelectOptionAsync("members");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("userEmailConflict");
        await Assertions.Expect(rows.First).ToContainTextAsync("409");
        await PageChecks.AssertAccessibleAsync(page, "Dead letters");
        await PageChecks.ScreenshotAsync(page, "dead-letters");

        // Detail: the parsed downstream error (seed 004 dialect), every attempt, the delivery's headers and body.
        await rows.First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dead letter evt_member_1" })).ToBeVisibleAsync();
        var downstream = page.Locator(".downstream");
        await Assertions.Expect(downstream).ToContainTextAsync("The email is already used within your gym or chain");
        await Assertions.Expect(downstream).ToContainTextAsync("userEmailConflict");
        await Assertions.Expect(downstream).ToContainTextAsync("ACCOUNT");
        var attempts = page.GetByRole(AriaRole.Table, new() { Name = "Every recorded attempt, oldest first" }).Locator("tbody tr");
        await Assertions.Expect(attempts).ToHaveCountAsync(2);
        await Assertions.Expect(attempts.Nth(0)).ToContainTextAsync("503");
        await Assertions.Expect(attempts.Nth(1)).ToContainTextAsync("409");
        await Assertions.Expect(page.Locator("pre[aria-label='Delivery body']")).ToContainTextAsync("\"email\": \"ana@example.com\"");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Request headers kept with the delivery" })).ToContainTextAsync("webhook-id");
        await PageChecks.AssertAccessibleAsync(page, "Dead letter");
        await PageChecks.ScreenshotAsync(page, "dead-letter");

        // Replay: a dry-run count, a confirmation, and the fixed target receives it.
        host.Members.Default = TargetReply.Of(200);
        var before = host.Members.Requests.Count;
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("1 entry will be put back on the deliveries queue");
        await PageChecks.ScreenshotAsync(page, "replay-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed evt_member_1.");
        var delivered = await host.Members.WaitForAnsweredAsync(before + 1, Patience);
        Assert.Equal(200, delivered[^1].Reply.Status);
        Assert.Contains("ana@example.com", System.Text.Encoding.UTF8.GetString(delivered[^1].Body), StringComparison.Ordinal);

        // Purge the other after its confirmation; it is gone and its target was not called again.
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("orders");
        await rows.First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator(".field-errors")).ToContainTextAsync("email: The email field is required.");
        await Assertions.Expect(page.Locator(".field-errors")).ToContainTextAsync("amount: The amount must be greater than 0.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge…" }).ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("1 entry will be deleted for good");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Purged 1 of 1.");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "No dead letters match" })).ToBeVisibleAsync();
        Assert.Equal(0, (await host.AdminGetAsync("deadletters?take=1")).GetProperty("total").GetInt32());
        Assert.Single(host.Orders.Requests);

        // Overview again: the replayed delivery counts as delivered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Assertions.Expect(page.Locator(".legend")).ToContainTextAsync("Delivered: 1");

        // Sources: the URL to register with each provider, and how to rotate a secret.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
        await Assertions.Expect(page.Locator(".intake-url").First).ToHaveTextAsync(new Uri(host.BaseUri, "api/webhooks/members").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rotating a secret" })).ToBeVisibleAsync();
        await PageChecks.AssertAccessibleAsync(page, "Sources");
        await PageChecks.ScreenshotAsync(page, "sources");

        // The key was never in a URL the page visited, nor in anything the host logged.
        Assert.DoesNotContain(ConsoleHost.AdminKey, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(ConsoleHost.AdminKey, StringComparison.Ordinal));

        // Readable on a phone.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The overview scrolls sideways on a phone.");
        await PageChecks.AssertAccessibleAsync(page, "Overview on a phone");
        await PageChecks.ScreenshotAsync(page, "overview-phone");

        // Signing out forgets the key.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('webhooks.console.apiKey')"));
        await page.CloseAsync();
    }
}
