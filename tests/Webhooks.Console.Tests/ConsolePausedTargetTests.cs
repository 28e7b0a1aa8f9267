using System.Net;
using Microsoft.Playwright;
using Webhooks.Console.Tests.Infrastructure;
using Webhooks.Testing.Targets;

namespace Webhooks.Console.Tests;

/// <summary>A target paused by a real account-level answer, resumed from the overview (a host of its own each).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsolePausedTargetTests(ConsoleBrowser browser)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PausedTarget_ShowsOnTheOverview_AndResumeClearsIt()
    {
        var host = new ConsoleHost();
        await host.InitializeAsync();
        try
        {
            host.Members.Enqueue(TargetReply.Json(401, "{\"message\":\"Unauthenticated.\"}"));
            Assert.Equal(HttpStatusCode.Accepted, await host.SendToMembersAsync("evt_member_paused", "{\"type\":\"member.created\"}"));
            await host.Members.WaitForAnsweredAsync(1, Patience);
            await WaitUntilAsync(async () => (await host.AdminGetAsync("targets")).GetProperty("paused").GetArrayLength() == 1);

            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseUri, "api/console/").ToString());
            await page.GetByLabel("Admin API key").FillAsync(ConsoleHost.AdminKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            var paused = page.GetByRole(AriaRole.Table, new() { Name = "Paused targets of this instance" }).Locator("tbody tr");
            await Assertions.Expect(paused).ToHaveCountAsync(1);
            await Assertions.Expect(paused.First).ToContainTextAsync("members");
            await Assertions.Expect(paused.First).ToContainTextAsync("401");
            await Assertions.Expect(page.Locator(".card", new() { HasText = "Paused targets" }).Locator(".value")).ToHaveTextAsync("1");
            await PageChecks.AssertAccessibleAsync(page, "Overview with a paused target");

            // The Resume button is reached and pressed from the keyboard.
            await page.GetByRole(AriaRole.Button, new() { Name = "Resume members" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Resumed the target of members.");
            await Assertions.Expect(paused.First).ToHaveTextAsync("None.");
            Assert.Equal(0, (await host.AdminGetAsync("targets")).GetProperty("paused").GetArrayLength());
            await page.CloseAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task PausedNamedDestination_ShowsItsSourceAndDestination_AndResumeUsesItsRoute()
    {
        await using var crm = await ScriptedTarget.StartAsync();
        crm.Default = TargetReply.Json(401, "{\"message\":\"Unauthenticated.\"}");
        await using var billing = await ScriptedTarget.StartAsync();
        var host = new ConsoleHost(new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = ConsoleHost.MembersSecret,
            ["Webhooks:Sources:shop:Destinations:crm:Url"] = crm.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:billing:Url"] = billing.Url.ToString(),
        });
        await host.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.Accepted, await host.SendStandardWebhooksAsync("shop", "evt_shop_paused", "{\"type\":\"customer.created\"}"));
            await crm.WaitForAnsweredAsync(1, Patience);
            await WaitUntilAsync(async () => (await host.AdminGetAsync("targets")).GetProperty("paused").GetArrayLength() == 1);

            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseUri, "api/console/").ToString());
            await page.GetByLabel("Admin API key").FillAsync(ConsoleHost.AdminKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            var paused = page.GetByRole(AriaRole.Table, new() { Name = "Paused targets of this instance" }).Locator("tbody tr");
            await Assertions.Expect(paused).ToHaveCountAsync(1);
            await Assertions.Expect(paused.First.Locator("td").Nth(0)).ToHaveTextAsync("shop");
            await Assertions.Expect(paused.First.Locator("td").Nth(1)).ToHaveTextAsync("crm");

            // The old route would resume "shop" (its default destination, which it has none of) and leave crm paused.
            await page.GetByRole(AriaRole.Button, new() { Name = "Resume shop → crm" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Resumed the target of shop → crm.");
            await Assertions.Expect(paused.First).ToHaveTextAsync("None.");
            Assert.Equal(0, (await host.AdminGetAsync("targets")).GetProperty("paused").GetArrayLength());
            await page.CloseAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition did not hold within {Patience}.");
            }

            await Task.Delay(100);
        }
    }
}
